import { Injectable } from '@nestjs/common';
import { PartyDetailsChangedData, PartyRegisteredData } from '@smi/contracts';
import { ConsumerHost, ConsumerPlatform, HostedConsumerOptions, parseContractEvent } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';
import { makeKey } from '../case-store';
import { lockRegistry } from './accountable-parties';
import { AccountableReassignment } from './accountable-reassignment';

/**
 * Keeps verification's copy of the party registry in step with intake.events and, in the same transaction,
 * gives the cases of a make whose party DCC registered (or moved) that party.
 */
@Injectable()
export class PartyRegistryConsumer extends ConsumerHost {
  constructor(
    platform: ConsumerPlatform,
    private readonly reassignment: AccountableReassignment,
  ) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'verification.party-registry',
      topics: [this.topics.name('intake.events')],
      // intake.events is mostly submitted items: only party events open a transaction here.
      eventTypes: ['PartyRegistered', 'PartyDetailsChanged'],
      handleBatch: async (messages, manager) => {
        // Before reading or writing the registry: cases being opened with the registry as it was finish first.
        await lockRegistry(manager, 'change');
        for (const message of messages) {
          const event = parseContractEvent<PartyRegisteredData | PartyDetailsChangedData>('intake', message);
          const eventId = message.headers.ce_id;
          const makes =
            event.type === 'PartyRegistered'
              ? await this.registered(manager, event.data as PartyRegisteredData, eventId)
              : await this.changed(manager, event.data as PartyDetailsChangedData, eventId);
          const assigned = await this.reassignment.reassign(manager, makes, {
            causationId: eventId ?? `${message.topic}:${message.partition}:${message.offset}`,
            correlationId: message.headers.correlation_id ?? eventId ?? `${message.topic}:${message.partition}:${message.offset}`,
          });
          if (assigned > 0) this.logger.log({ msg: 'accountable party assigned', partyEvent: event.type, makes, cases: assigned });
        }
      },
    };
  }

  /** Returns the make keys whose accountable party may have changed. */
  private async registered(manager: EntityManager, data: PartyRegisteredData, eventId: string | undefined): Promise<string[]> {
    await manager.query(
      `INSERT INTO known_parties (party_id, name, party_type, makes, updated_at, last_event) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (party_id) DO NOTHING`,
      [data.partyId, data.name, data.partyType, data.makes, data.registeredAt, eventId],
    );
    return accountableFor(data.partyType) ? [...new Set(data.makes.map(makeKey))] : [];
  }

  /** Only makes added or removed: a change of name alone moves no case. */
  private async changed(manager: EntityManager, data: PartyDetailsChangedData, eventId: string | undefined): Promise<string[]> {
    // As a SELECT, so the driver hands back the rows (an UPDATE comes back as [rows, count]).
    const rows: Array<{ party_type: string }> = await manager.query(
      `WITH changed AS (UPDATE known_parties SET name = $2, makes = $3, updated_at = $4, last_event = $5 WHERE party_id = $1 RETURNING party_type)
       SELECT party_type FROM changed`,
      [data.partyId, data.name, data.makes, data.changedAt, eventId],
    );
    if (rows.length === 0 || !accountableFor(rows[0].party_type)) return [];
    const now = new Set(data.makes.map(makeKey));
    const before = new Set(data.previous.makes.map(makeKey));
    return [...now, ...before].filter((key) => now.has(key) !== before.has(key));
  }
}

/** Only manufacturers and CSPs answer for makes. */
function accountableFor(partyType: string): boolean {
  return partyType === 'manufacturer' || partyType === 'csp';
}
