import { createHash } from 'node:crypto';
import { DeviceType, ItemSource, StatusOfInformation } from '@smi/contracts';

// An item's content and identity, in its own folder because validation (submissions/validate) makes it and
// the item aggregate (items/) holds it: both use it, neither has to import the other.

/** A submission row that passed validation, in canonical form (glossary codes, ISO date, boolean). */
export interface SubmittedItem {
  /** Digits only, without leading zeros; with the provider it is the item's key. */
  readonly identifier: string;
  readonly make: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly deviceType: DeviceType;
  readonly source: ItemSource;
  readonly statusOfInformation: StatusOfInformation;
  /** yyyy-mm-dd */
  readonly dateLastUpdated: string;
  readonly fixAvailable: boolean;
  /** Exactly as submitted; `null` when the cell was empty. */
  readonly fixInformation: string | null;
}

/** Field order is fixed here so the hash never depends on how an item object happened to be built. */
export const ITEM_FIELDS = [
  'identifier',
  'make',
  'model',
  'firmwareVersion',
  'deviceType',
  'source',
  'statusOfInformation',
  'dateLastUpdated',
  'fixAvailable',
  'fixInformation',
] as const satisfies readonly (keyof SubmittedItem)[];

export type ItemField = (typeof ITEM_FIELDS)[number];

// Fails to compile when SubmittedItem gains a field that ITEM_FIELDS (and so the hash) leaves out.
const _everyFieldListed: Record<Exclude<keyof SubmittedItem, ItemField>, never> = {};

/** SHA-256 (hex) of the item's canonical content: equal hashes mean an unchanged item. */
export function contentHash(item: SubmittedItem): string {
  const canonical = JSON.stringify(ITEM_FIELDS.map((field) => item[field]));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Fields whose values differ, in column order; empty when the items are the same. */
export function diffItems(before: SubmittedItem, after: SubmittedItem): ItemField[] {
  return ITEM_FIELDS.filter((field) => before[field] !== after[field]);
}
