import { AccountableParty, DeviceType, isCommsHubDeviceType } from '@smi/contracts';
import { EntityManager } from 'typeorm';
import { makeKey } from '../case-store';

/**
 * Who answers for a device (issue 11, point 2): for a Communications Hub (CHF, GPF) the CSP registered with
 * its make, for anything else the manufacturer registered with it. Exactly one such party answers; none, or
 * several (DCC registered the make twice), is no accountable party, shown as such until DCC settles it.
 */
export class AccountableParties {
  private constructor(private readonly byMake: ReadonlyMap<string, readonly AccountableParty[]>) {}

  /** The registry copy as it is now, in the caller's transaction: manufacturers and CSPs by make key. */
  static async load(manager: EntityManager): Promise<AccountableParties> {
    const rows: Array<{ party_id: string; party_type: AccountableParty['partyType']; makes: string[] }> = await manager.query(
      `SELECT party_id, party_type, makes FROM known_parties WHERE party_type IN ('manufacturer', 'csp') AND cardinality(makes) > 0`,
    );
    return AccountableParties.of(rows.map((row) => ({ partyId: row.party_id, partyType: row.party_type, makes: row.makes })));
  }

  static of(parties: ReadonlyArray<AccountableParty & { makes: readonly string[] }>): AccountableParties {
    const byMake = new Map<string, AccountableParty[]>();
    for (const party of parties) {
      for (const key of new Set(party.makes.map(makeKey))) {
        const holders = byMake.get(key) ?? [];
        holders.push({ partyId: party.partyId, partyType: party.partyType });
        byMake.set(key, holders);
      }
    }
    return new AccountableParties(byMake);
  }

  /** `null` without a make: a device whose make nobody said cannot be answered for. A device of no stated type is not a Comms Hub. */
  for(make: string | null, deviceType: DeviceType | null): AccountableParty | null {
    if (make === null) return null;
    const partyType = deviceType !== null && isCommsHubDeviceType(deviceType) ? 'csp' : 'manufacturer';
    const holders = (this.byMake.get(makeKey(make)) ?? []).filter((p) => p.partyType === partyType);
    return holders.length === 1 ? holders[0] : null;
  }
}

export function sameParty(a: AccountableParty | null, b: AccountableParty | null): boolean {
  return a === b || (a !== null && b !== null && a.partyId === b.partyId && a.partyType === b.partyType);
}

const REGISTRY_LOCK = 'verification:known-parties';

/**
 * Orders a case's accountable party against a change of the registry. A case opened with what the registry
 * said and a registry change that reassigns cases by make would otherwise miss each other: the change scans
 * before the case commits, the case read the registry before the change. Opening cases takes this lock
 * shared (openings never wait on each other), the registry's consumer exclusive, both until their
 * transaction ends; each then reads what the other committed.
 */
export async function lockRegistry(manager: EntityManager, mode: 'read' | 'change'): Promise<void> {
  await manager.query(mode === 'read' ? `SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))` : `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    REGISTRY_LOCK,
  ]);
}
