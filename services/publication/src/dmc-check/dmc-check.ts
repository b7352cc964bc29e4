/*
 * The answer for one member of an installation, from the items matched for it (already in the neutral order):
 * whether it is affected, whether every item has a fix and which firmware versions fix them. Nothing is counted,
 * ranked or compared between members (R1).
 */

/** Items answered per member: one make, model and firmware version has a handful; more is what search pages through. */
export const MEMBER_ITEMS_MAX = 100;

export interface MatchedItem {
  fixAvailable: boolean;
  fixingFirmwareVersion: string | null;
}

export interface MemberSummary {
  affected: boolean;
  /** Every item found has a fix; null when none was found. */
  fixAvailable: boolean | null;
  /** Each fixing firmware version once, in code-point order: an order of the versions, not of the items. */
  fixingFirmwareVersions: string[];
}

export function memberSummary(items: readonly MatchedItem[]): MemberSummary {
  const versions = new Set(items.map((item) => item.fixingFirmwareVersion).filter((version): version is string => version !== null));
  return {
    affected: items.length > 0,
    fixAvailable: items.length === 0 ? null : items.every((item) => item.fixAvailable),
    fixingFirmwareVersions: [...versions].sort(codePointOrder),
  };
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
