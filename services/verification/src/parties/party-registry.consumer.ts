import { Injectable } from '@nestjs/common';
import { PartyDetailsChangedData, PartyRegisteredData } from '@smi/contracts';
import { ConsumerHost, ConsumerPlatform, HostedConsumerOptions, parseContractEvent } from '@smi/service-runtime';

/** Keeps verification's copy of the party registry in step with intake.events. */
@Injectable()
export class PartyRegistryConsumer extends ConsumerHost {
  constructor(platform: ConsumerPlatform) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'verification.party-registry',
      topics: [this.topics.name('intake.events')],
      // intake.events is mostly submitted items: only party events open a transaction here.
      eventTypes: ['PartyRegistered', 'PartyDetailsChanged'],
      handleBatch: async (messages, manager) => {
        for (const message of messages) {
          const event = parseContractEvent<PartyRegisteredData | PartyDetailsChangedData>('intake', message);
          const eventId = message.headers.ce_id;
          if (event.type === 'PartyRegistered') {
            const data = event.data as PartyRegisteredData;
            await manager.query(
              `INSERT INTO known_parties (party_id, name, party_type, makes, updated_at, last_event) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (party_id) DO NOTHING`,
              [data.partyId, data.name, data.partyType, data.makes, data.registeredAt, eventId],
            );
          } else {
            const data = event.data as PartyDetailsChangedData;
            await manager.query(`UPDATE known_parties SET name = $2, makes = $3, updated_at = $4, last_event = $5 WHERE party_id = $1`, [
              data.partyId,
              data.name,
              data.makes,
              data.changedAt,
              eventId,
            ]);
          }
        }
      },
    };
  }
}
