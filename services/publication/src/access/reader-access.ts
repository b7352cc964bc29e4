import { ForbiddenException, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DataSource, EntityManager } from 'typeorm';

/**
 * What a reader of the defects database sees (SECMP0137 R7): DCC everything, unverified and unfixed items
 * included; suppliers, manufacturers, CSPs and SECAS the published items; a network party the published items
 * once DCC has added it (or let every network party in), nothing before; the DSP nothing (its token is refused
 * by the endpoints' @Authorize already).
 */
export type Audience = 'dcc' | 'published';

/** Every party type that may call a reading endpoint; a network party is then checked against the grants. */
export const READER_PARTY_TYPES = ['dcc', 'supplier', 'manufacturer', 'csp', 'secas', 'network'] as const;

@Injectable()
export class ReaderAccess {
  constructor(private readonly dataSource: DataSource) {}

  /** The caller's audience; a network party DCC has not added is refused without a word about any item. */
  async audienceOf(actor: Actor): Promise<Audience> {
    switch (actor.partyType) {
      case 'dcc':
        return 'dcc';
      case 'supplier':
      case 'manufacturer':
      case 'csp':
      case 'secas':
        return 'published';
      case 'network':
        if (await this.networkPartyAdded(actor.partyId)) return 'published';
        throw new ForbiddenException('a network party reads the defects database once DCC has added it');
      default:
        throw new ForbiddenException(`party type ${actor.partyType} has no access to the defects database`);
    }
  }

  private networkPartyAdded(partyId: string): Promise<boolean> {
    return networkPartyAdded(this.dataSource.manager, partyId);
  }
}

/** Whether DCC has added this network party (or let every network party in): also what the change-feed webhook checks. */
export async function networkPartyAdded(manager: EntityManager, partyId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(`SELECT 1 FROM network_access_grants WHERE grant_key = ANY($1::text[]) LIMIT 1`, [[`party:${partyId}`, 'all-network-parties']]);
  return rows.length > 0;
}
