import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { handleCommand, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { DataSource, EntityManager } from 'typeorm';
import { NETWORK_ACCESS_STREAM, NetworkAccessCommand, networkAccessDecider, NetworkAccessGranted, NetworkAccessRevoked, NetworkAccessState } from './network-access.decider';
import { NetworkAccessChange, NetworkAccessList } from './network-access.dto';

type CommandInput = { type: 'GrantNetworkAccess'; partyId: string } | { type: 'RevokeNetworkAccess'; partyId: string } | { type: 'SetAllNetworkParties'; enabled: boolean };

/** DCC's changes to who among the network parties reads the database, each an event on `network-access`. */
@Injectable()
export class NetworkAccessHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {}

  async change(input: CommandInput, context: { actor: Actor; correlationId: string }): Promise<NetworkAccessChange> {
    const command = { ...input, at: new Date().toISOString() } as NetworkAccessCommand;
    const { events, newState } = await handleCommand(this.dataSource, {
      store: this.store,
      streamId: NETWORK_ACCESS_STREAM,
      decider: networkAccessDecider,
      command,
      metadata: { correlationId: context.correlationId, actor: context.actor },
      project: (manager, recorded) => project(manager, recorded),
    });
    return { ...listed(newState, input), recorded: events.map((e) => e.type) };
  }

  async list(): Promise<NetworkAccessList> {
    const rows: Array<{ scope: string; party_id: string | null; granted_at: Date }> = await this.dataSource.query(
      `SELECT scope, party_id, granted_at FROM network_access_grants ORDER BY party_id NULLS FIRST`,
    );
    return {
      allNetworkParties: rows.some((r) => r.scope === 'all-network-parties'),
      parties: rows.filter((r) => r.scope === 'party').map((r) => ({ partyId: r.party_id as string, grantedAt: r.granted_at.toISOString() })),
    };
  }
}

function listed(state: NetworkAccessState, input: CommandInput): Omit<NetworkAccessChange, 'recorded'> {
  return input.type === 'SetAllNetworkParties'
    ? { partyId: null, granted: state.allNetworkParties, allNetworkParties: state.allNetworkParties }
    : { partyId: input.partyId, granted: state.parties.includes(input.partyId), allNetworkParties: state.allNetworkParties };
}

/** The grants table follows the events in their transaction: a reader's access never disagrees with them. */
async function project(manager: EntityManager, recorded: RecordedEvent[]): Promise<void> {
  for (const event of recorded) {
    const data = event.data as Omit<NetworkAccessGranted, 'type'> | Omit<NetworkAccessRevoked, 'type'>;
    const key = data.scope === 'party' ? `party:${data.partyId}` : 'all-network-parties';
    if (event.type === 'NetworkAccessGranted') {
      await manager.query(`INSERT INTO network_access_grants (grant_key, scope, party_id, granted_at) VALUES ($1, $2, $3, $4)`, [
        key,
        data.scope,
        data.partyId,
        (data as Omit<NetworkAccessGranted, 'type'>).grantedAt,
      ]);
    } else {
      await manager.query(`DELETE FROM network_access_grants WHERE grant_key = $1`, [key]);
    }
  }
}
