/**
 * Where a service that holds the party registry (intake, or verification's copy of it) says which type a
 * party is registered as. The guard refuses a token whose `partyType` contradicts it: access keys on the
 * `party` claim, so a token naming a supplier's party id with another party type must not read as that
 * supplier, nor the supplier's party id be used under another type's rights.
 */
export const PARTY_DIRECTORY = Symbol('PARTY_DIRECTORY');

export interface PartyDirectory {
  /** The party type `partyId` is registered as, or undefined when it is not registered. */
  registeredTypeOf(partyId: string): Promise<string | undefined>;
}

/**
 * Caches a directory for the guard, which asks on every request. A registered party's type never changes
 * (parties change name and makes only), so a found type is kept; "not registered" is asked again after
 * `unknownTtlMs`, so a party registered a moment ago is checked soon.
 */
export function cachedPartyDirectory(directory: PartyDirectory, options: { unknownTtlMs: number; maxEntries: number }): PartyDirectory {
  const known = new Map<string, string>();
  const unknownUntil = new Map<string, number>();
  return {
    async registeredTypeOf(partyId: string): Promise<string | undefined> {
      const cached = known.get(partyId);
      if (cached !== undefined) return cached;
      if ((unknownUntil.get(partyId) ?? 0) > Date.now()) return undefined;
      const type = await directory.registeredTypeOf(partyId);
      if (type === undefined) {
        if (unknownUntil.size >= options.maxEntries) unknownUntil.clear();
        unknownUntil.set(partyId, Date.now() + options.unknownTtlMs);
      } else {
        if (known.size >= options.maxEntries) known.clear();
        known.set(partyId, type);
        unknownUntil.delete(partyId);
      }
      return type;
    },
  };
}
