import { FactoryProvider } from '@nestjs/common';
import { cachedPartyDirectory, PARTY_DIRECTORY } from '@smi/auth';
import { DataSource } from 'typeorm';

/**
 * Provides the guard's party directory from a service's registry table (`party_id`, `party_type` columns):
 * intake's registry, verification's copy of it. Put it in a @Global module's providers and exports.
 */
export function partyDirectoryProvider(table: 'parties' | 'known_parties'): FactoryProvider {
  return {
    provide: PARTY_DIRECTORY,
    inject: [DataSource],
    useFactory: (dataSource: DataSource) =>
      cachedPartyDirectory(
        {
          registeredTypeOf: async (partyId: string) => {
            const rows: Array<{ party_type: string }> = await dataSource.query(`SELECT party_type FROM ${table} WHERE party_id = $1`, [partyId]);
            return rows[0]?.party_type;
          },
        },
        { unknownTtlMs: 2_000, maxEntries: 10_000 },
      ),
  };
}
