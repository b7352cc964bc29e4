import { Scenario } from '../figures';
import { waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

const GARBAGE = '#truncated-by-gateway';

/**
 * One SR8.4 in ten arrives damaged (not JSON): it must go to `inventory.service-requests.dlq` and
 * `consumer_dead_letters` without holding up the others. The operator then repairs each dead letter and
 * produces it back to its source topic (twice, as a careless replay would): each is applied once.
 */
export const poisonMessage: Scenario = {
  name: 'poison-message',
  async run({ scale, system: newSystem }) {
    const system = newSystem();
    await system.start('inventory');
    const traffic = new ServiceRequestTraffic(system, 8);
    const ids = devices(8, Math.round(200 * scale));
    await traffic.preNotify(ids);
    await traffic.answers();

    const poisoned = ids.filter((_, i) => i % 10 === 0);
    const healthy = ids.filter((_, i) => i % 10 !== 0);
    const faultAt = Date.now();
    await traffic.update(poisoned, 'B', (command) => JSON.stringify(command) + GARBAGE);
    await traffic.update(healthy, 'B');

    const dlq = system.topic('inventory.service-requests.dlq');
    const dead = await system.readTopic(dlq, (messages) => messages.length >= poisoned.length);
    await waitUntil(
      async () => (await system.query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM consumer_dead_letters'))[0].n >= poisoned.length,
      60_000,
      'the dead letters to be recorded',
    );
    const deadLetters = (await system.query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM consumer_dead_letters'))[0].n;

    // The repair: the gateway's trailing garbage cut off; the replay: back to the topic named in the headers.
    const repaired = dead.map((m) => ({ key: m.key, value: m.value.endsWith(GARBAGE) ? m.value.slice(0, -GARBAGE.length) : m.value }));
    const source = dead[0]?.headers.dlq_source_topic ?? system.topic('inventory.service-requests');
    await system.produce(source, repaired);
    await system.produce(source, repaired);

    const responses = await traffic.answers();
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const figures = await traffic.account(responses);
    figures.notes.push(`poisoned ${poisoned.length}; on the DLQ ${dead.length} (error: ${dead[0]?.headers.dlq_error ?? 'none'}); consumer_dead_letters ${deadLetters}; replayed twice`);
    if (dead.length !== poisoned.length) figures.notes.push(`error: expected ${poisoned.length} dead letters, found ${dead.length}`);
    return { scenario: 'poison-message', recoverySeconds, ...figures };
  },
};
