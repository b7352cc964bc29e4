import { Admin } from 'kafkajs';
import { Scenario } from '../figures';
import { call, FaultSystem, ServiceProcess, TopicMessage, waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

/**
 * Every message delivered again: inventory's SR consumer group is rewound to the start of its topic (kafkajs
 * admin resetOffsets, with the service stopped as Kafka requires), so each SR12.2 and SR8.4 arrives a second
 * time; and the relay is rewound (POST /ops/relay/rewind) so every event and answer is published again. Nothing
 * may be recorded twice, and a repeated RequestID must be answered exactly as the first time.
 *
 * The topics' end offsets are taken once the restarted relay has nothing left to publish and before the rewind,
 * so every message on a topic is either the first publication (before that mark) or the rewind's (after it). Each
 * event and answer must be on its topic at least once on each side: "published twice" in all would also pass if the
 * relay had repeated a batch before the rewind and the rewind had skipped it, and a message missing before the
 * rewind would be blamed on the rewind.
 */
export const duplicateDelivery: Scenario = {
  name: 'duplicate-delivery',
  async run({ kafka, scale, system: newSystem }) {
    const system = newSystem();
    const inventory = await system.start('inventory');
    const operator = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
    const traffic = new ServiceRequestTraffic(system, 7);
    const ids = devices(7, Math.round(200 * scale));
    await traffic.preNotify(ids);
    await traffic.update(ids, 'B');
    await traffic.answers();
    await relaySettled(inventory, operator, 'the relay to publish every event before the stop');
    const eventsBefore = (await system.query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM events'))[0].n;

    await inventory.stop();
    const faultAt = Date.now();
    const admin = kafka.client().admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId: system.topic('inventory.service-requests'), topic: system.topic('inventory.service-requests'), earliest: true });
      await inventory.start();
      // A relay stopped between its publish and its checkpoint publishes that batch again on start: part of the
      // first publication, so the mark is taken only once the restarted relay has nothing left.
      await relaySettled(inventory, operator, 'the restarted relay to publish what it had not yet checkpointed');
      const marks = await endOffsets(admin, system, ['inventory.events', 'inventory.service-responses']);
      const rewound = await call('POST', `${inventory.url}/ops/relay/rewind`, operator, { fromPosition: '1' });
      if (rewound.status !== 202) throw new Error(`relay rewind answered ${rewound.status}: ${JSON.stringify(rewound.body)}`);

      // Every request was consumed again once its group has no lag; the relay has re-published everything once its
      // checkpoint (moved back by the rewind, and only ever forward after an acknowledged send) is at the end again.
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
      await relaySettled(inventory, operator, 'the rewound relay to publish every event again');
      const responses = await system.readTopic(system.topic('inventory.service-responses'));
      const events = await system.readTopic(system.topic('inventory.events'));
      const recoverySeconds = (Date.now() - faultAt) / 1000;

      const eventsAfter = (await system.query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM events'))[0].n;
      const figures = await traffic.account(responses);
      const kafkaIds = [...traffic.sent].filter(([, s]) => s.channel === 'kafka').map(([id]) => id);
      const answers = sides(responses, marks.get('inventory.service-responses')!, (m) => m.key ?? '');
      const stored = await system.query<{ id: string; type: string; position: string; xid: string }>(
        'inventory',
        'SELECT event_id::text AS id, event_type AS type, position::text AS position, transaction_id::text AS xid FROM events ORDER BY events.transaction_id, events.position',
      );
      const published = sides(events, marks.get('inventory.events')!, (m) => m.headers.ce_id);
      const relayed = new Set(stored.filter((e) => e.type === 'ServiceRequestAnswered').map((e) => e.id));
      const copies = kafkaIds.map((id) => answers.before(id) + answers.after(id));
      figures.notes.push(
        `events before the rewinds ${eventsBefore}, after ${eventsAfter}; answers on the topic ${responses.length} for ${kafkaIds.length} requests ` +
          `(${responses.filter((m) => relayed.has(m.headers.ce_id)).length} from the relay), ${Math.min(...copies)}–${Math.max(...copies)} per request`,
      );

      // Before the mark: the first publication; after it: the rewind's. Each must hold every answer and event.
      const where = (list: TopicMessage[], match: (m: TopicMessage) => boolean) =>
        list.filter(match).map((m) => `p${m.partition}@${m.offset}`).join(' ') || 'nowhere';
      const firstMissing = [
        ...kafkaIds.filter((id) => answers.before(id) === 0).map((id) => `answer to ${id} (on the topic at ${where(responses, (m) => m.key === id)})`),
        ...stored.filter((e) => published.before(e.id) === 0).map((e) => `${e.type} ${e.id} at (${e.xid}, ${e.position}) (on the topic at ${where(events, (m) => m.headers.ce_id === e.id)})`),
      ];
      const againMissing = [
        ...kafkaIds.filter((id) => answers.after(id) === 0).map((id) => `answer to ${id} (on the topic at ${where(responses, (m) => m.key === id)})`),
        ...stored.filter((e) => published.after(e.id) === 0).map((e) => `${e.type} ${e.id} at (${e.xid}, ${e.position}) (on the topic at ${where(events, (m) => m.headers.ce_id === e.id)})`),
      ];
      if (firstMissing.length + againMissing.length > 0) {
        figures.notes.push(`topic ends at the rewind: ${[...marks].map(([t, m]) => `${t} ${[...m].map(([p, o]) => `p${p}=${o}`).join(',')}`).join('; ')}`);
      }
      for (const m of firstMissing.slice(0, 5)) figures.notes.push(`not published before the rewind: ${m}`);
      for (const m of againMissing.slice(0, 5)) figures.notes.push(`not re-published by the rewind: ${m}`);
      figures.lost += firstMissing.length + againMissing.length;
      if (eventsAfter !== eventsBefore) figures.duplicated += eventsAfter - eventsBefore;
      return { scenario: 'duplicate-delivery', recoverySeconds, ...figures };
    } finally {
      await admin.disconnect();
    }
  },
};

/** Waits until the relay's stored checkpoint is at the last event: everything stored has been acknowledged by Kafka. */
async function relaySettled(instance: ServiceProcess, token: string, what: string): Promise<void> {
  await waitUntil(
    async () => {
      const status = (await call('GET', `${instance.url}/ops/relay`, token)).body as { active?: boolean; backlog?: number };
      return status.active === true && status.backlog === 0;
    },
    120_000,
    what,
  );
}

async function endOffsets(admin: Admin, system: FaultSystem, topics: string[]): Promise<Map<string, Map<number, bigint>>> {
  const ends = new Map<string, Map<number, bigint>>();
  for (const topic of topics) ends.set(topic, new Map((await admin.fetchTopicOffsets(system.topic(topic))).map((p) => [p.partition, BigInt(p.high)])));
  return ends;
}

/** How many copies of each message (by `idOf`) are before the mark of its partition, and how many after. */
function sides(messages: TopicMessage[], marks: Map<number, bigint>, idOf: (m: TopicMessage) => string) {
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  for (const m of messages) {
    const side = BigInt(m.offset) < (marks.get(m.partition) ?? 0n) ? before : after;
    side.set(idOf(m), (side.get(idOf(m)) ?? 0) + 1);
  }
  return { before: (id: string) => before.get(id) ?? 0, after: (id: string) => after.get(id) ?? 0 };
}
