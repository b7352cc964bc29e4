import {
  IntakeItemRef,
  ItemFieldChange,
  ItemRevisedData,
  ItemSubmittedData,
  PossibleDuplicateFlaggedData,
  RevisableItemField,
} from '@smi/contracts';
import { Decider } from '@smi/decider';
import { SubmittedItem, contentHash, diffItems } from '../item-content/submitted-item';

export type ItemSubmitted = { type: 'ItemSubmitted' } & ItemSubmittedData;
export type ItemRevised = { type: 'ItemRevised' } & ItemRevisedData;
export type PossibleDuplicateFlagged = { type: 'PossibleDuplicateFlagged' } & PossibleDuplicateFlaggedData;
export type ItemEvent = ItemSubmitted | ItemRevised | PossibleDuplicateFlagged;

/** What the provider has told us about one item so far. */
export type ItemState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'held'; readonly providerPartyId: string; readonly item: SubmittedItem; readonly contentHash: string };

/** Items of other providers naming the same make, model, firmware version and device type. */
export interface OtherProvidersItems {
  /** At most {@link MAX_LISTED_MATCHES}, ordered by provider and Identifier. */
  readonly matches: readonly IntakeItemRef[];
  readonly matchCount: number;
}

export const NO_OTHER_PROVIDERS: OtherProvidersItems = Object.freeze({ matches: [], matchCount: 0 });
export const MAX_LISTED_MATCHES = 20;

/** One valid row of a submission, about one item. */
export interface SubmitItem {
  readonly type: 'SubmitItem';
  readonly submissionId: string;
  readonly providerPartyId: string;
  readonly item: SubmittedItem;
  /**
   * Looked up by the caller, who knows what is held across providers; only needed when
   * {@link needsDuplicateCheck} says the item newly names its device combination.
   */
  readonly otherProviders: OtherProvidersItems;
  /** When the submission was received (ISO 8601). */
  readonly at: string;
}

export const itemStreamId = (providerPartyId: string, identifier: string): string => `item-${providerPartyId}-${identifier}`;

/**
 * The device an item is about, as verifiers compare items across providers. Make and model are compared
 * without regard to case (providers type them by hand); firmware is already canonical (8 hex upper-cased).
 */
export interface DeviceKey {
  readonly make: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly deviceType: string;
}

export function deviceKey(item: DeviceKey): string {
  return [item.make.toLowerCase(), item.model.toLowerCase(), item.firmwareVersion, item.deviceType].join('\u0000');
}

/** True when the row would give the item a device combination it did not have: new, or make/model/firmware/type changed. */
export function needsDuplicateCheck(state: ItemState, item: SubmittedItem): boolean {
  return state.kind === 'absent' || deviceKey(state.item) !== deviceKey(item);
}

function changesBetween(before: SubmittedItem, after: SubmittedItem): ItemFieldChange[] {
  return diffItems(before, after)
    .filter((field): field is RevisableItemField => field !== 'identifier')
    .map((field) => ({ field, from: before[field], to: after[field] }));
}

function flag(command: SubmitItem): PossibleDuplicateFlagged[] {
  const { otherProviders, item } = command;
  if (otherProviders.matchCount === 0) return [];
  return [
    {
      type: 'PossibleDuplicateFlagged',
      submissionId: command.submissionId,
      providerPartyId: command.providerPartyId,
      identifier: item.identifier,
      make: item.make,
      model: item.model,
      firmwareVersion: item.firmwareVersion,
      deviceType: item.deviceType,
      matches: otherProviders.matches.slice(0, MAX_LISTED_MATCHES).map((match) => ({ ...match })),
      matchCount: otherProviders.matchCount,
      flaggedAt: command.at,
    },
  ];
}

/**
 * Repeated information against what is held (requirement: "identify repeated information"). The key is
 * (provider, Identifier): the same content again records nothing; different content records what
 * changed. Items of different providers are never merged, only flagged for DCC's verifiers when they
 * name the same device.
 */
export const itemDecider: Decider<SubmitItem, ItemState, ItemEvent> = {
  initialState: () => ({ kind: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'ItemSubmitted':
      case 'ItemRevised':
        return { kind: 'held', providerPartyId: event.providerPartyId, item: itemContent(event), contentHash: event.contentHash };
      case 'PossibleDuplicateFlagged':
        return state;
    }
  },

  decide(command, state) {
    const { item } = command;
    const hash = contentHash(item);
    if (state.kind === 'absent') {
      const submitted: ItemSubmitted = {
        type: 'ItemSubmitted',
        submissionId: command.submissionId,
        providerPartyId: command.providerPartyId,
        ...item,
        contentHash: hash,
        submittedAt: command.at,
      };
      return [submitted, ...flag(command)];
    }
    if (state.contentHash === hash) return [];
    const revised: ItemRevised = {
      type: 'ItemRevised',
      submissionId: command.submissionId,
      providerPartyId: command.providerPartyId,
      ...item,
      contentHash: hash,
      previousContentHash: state.contentHash,
      changes: changesBetween(state.item, item),
      revisedAt: command.at,
    };
    return needsDuplicateCheck(state, item) ? [revised, ...flag(command)] : [revised];
  },
};

/** The item content carried by an ItemSubmitted or ItemRevised event. */
export function itemContent(event: ItemSubmittedData | ItemRevisedData): SubmittedItem {
  return {
    identifier: event.identifier,
    make: event.make,
    model: event.model,
    firmwareVersion: event.firmwareVersion,
    deviceType: event.deviceType,
    source: event.source,
    statusOfInformation: event.statusOfInformation,
    dateLastUpdated: event.dateLastUpdated,
    fixAvailable: event.fixAvailable,
    fixInformation: event.fixInformation,
  };
}
