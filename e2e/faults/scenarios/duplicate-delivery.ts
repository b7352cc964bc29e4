import { Scenario } from '../figures';
import { waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

/**
 * Every message delivered again: inventory's SR consumer group is rewound to the start of its topic (kafkajs
 * admin resetOffsets, with the service stopped as Kafka requires), so each SR12.2 and SR8.4 arrives a second
 * time; and the relay is rewound (POST /ops/relay/rewind) so every event and answer is published again. Nothing
 * may be recorded twice, and a repeated RequestID must be answered exactly as the first time.
 */
export const duplicateDelivery: Scenario = {
  name: 'duplicate-delivery',
  async run({ kafka, scale, system: newSystem }) {
    const system = newSystem();
    const inventory = await system.start('inventory');
    const traffic = new ServiceRequestTraffic(system, 7);
    const ids = devices(7, Math.round(200 * scale));
    await traffic.preNotify(ids);
    await traffic.update(ids, 'B');
    await traffic.answers();
    const eventsBefore = (await system.query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM events'))[0].n;

    await inventory.stop();
    const faultAt = Date.now();
    const admin = kafka.client().admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: system.topic('inventory.service-requests'), topic: system.topic('inventory.service-requests'), earliest: true });
    await inventory.start();
    const operator = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
    const rewound = await fetch(`${inventory.url}/ops/relay/rewind`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fromPosition: '1' }),
    });
    if (rewound.status !== 202) throw new Error(`relay rewind answered ${rewound.status}: ${await rewound.text()}`);

    // Every request was consumed again once its group has no lag; each answer then arrives at least twice.
    await waitUntil(
      async () => {
        const [ends, committed] = await Promise.all([
          admin.fetchTopicOffsets(system.topic('inventory.service-requests')),
          admin.fetchOffsets({ groupId: system.topic('inventory.service-requests'), topics: [system.topic('inventory.service-requests')] }),
        ]);
        const at = new Map(committed[0].partitions.map((p) => [p.partition, BigInt(p.offset)]));
        return ends.every((p) => (at.get(p.partition) ?? -1n) >= BigInt(p.high));
      },
      120_000,
      'the rewound group to catch up',
    );
    await admin.disconnect();
    const kafkaIds = [...traffic.sent.keys()];
    const responses = await system.readTopic(system.topic('inventory.service-responses'), (messages) => {
      const seen = new Map<string, number>();
      for (const m of messages) seen.set(m.key ?? '', (seen.get(m.key ?? '') ?? 0) + 1);
      return kafkaIds.every((id) => (seen.get(id) ?? 0) >= 2); // the first answer and the relay's again
    }, 60_000);
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const eventsAfter = (await system.query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM events'))[0].n;
    const figures = await traffic.account(responses);
    const copies = new Map<string, number>();
    for (const m of responses) copies.set(m.key ?? '', (copies.get(m.key ?? '') ?? 0) + 1);
    const counts = kafkaIds.map((id) => copies.get(id) ?? 0);
    const relayed = new Set((await system.query<{ id: string }>('inventory', `SELECT event_id::text AS id FROM events WHERE event_type = 'ServiceRequestAnswered'`)).map((r) => r.id));
    figures.notes.push(
      `events before the rewinds ${eventsBefore}, after ${eventsAfter}; answers on the topic ${responses.length} for ${kafkaIds.length} requests ` +
        `(${responses.filter((m) => relayed.has(m.headers.ce_id)).length} from the relay), ${Math.min(...counts)}–${Math.max(...counts)} per request`,
    );
    // The rewind must re-publish every event, answers included: anything on its topic once only was skipped.
    const republished = new Map<string, number>();
    for (const m of await system.readTopic(system.topic('inventory.events'), (messages) => messages.length >= 2 * eventsAfter, 60_000)) {
      republished.set(m.headers.ce_id, (republished.get(m.headers.ce_id) ?? 0) + 1);
    }
    const allEvents = (await system.query<{ id: string }>('inventory', 'SELECT event_id::text AS id FROM events')).map((r) => r.id);
    const skipped = allEvents.filter((id) => (republished.get(id) ?? 0) < 2).length + kafkaIds.filter((id) => (copies.get(id) ?? 0) < 2).length;
    for (const id of kafkaIds.filter((id) => (copies.get(id) ?? 0) < 2).slice(0, 5)) figures.notes.push(`${id}: answer not re-published by the relay rewind`);
    figures.lost += skipped;
    if (eventsAfter !== eventsBefore) figures.duplicated += eventsAfter - eventsBefore;
    return { scenario: 'duplicate-delivery', recoverySeconds, ...figures };
  },
};
