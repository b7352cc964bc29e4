import { Scenario } from '../figures';
import { sleep, waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

/**
 * The broker is killed (-9) while SR12.2s and SR8.4s flow over Kafka and the relay publishes their answers and
 * events; it is down for a few seconds (the clients keep retrying), then restarted on the same data.
 */
export const brokerKilled: Scenario = {
  name: 'broker-killed',
  async run({ kafka, scale, system: newSystem }) {
    const system = newSystem();
    const inventory = await system.start('inventory');
    const traffic = new ServiceRequestTraffic(system, 1);
    const ids = devices(1, Math.round(200 * scale));

    const preNotifying = traffic.preNotify(ids);
    // The fault lands once the consumer and the relay are both busy: answers are being recorded.
    await waitUntil(
      async () => (await system.query<{ n: number }>('inventory', `SELECT count(*)::int AS n FROM events WHERE event_type = 'ServiceRequestAnswered'`))[0].n >= ids.length / 4,
      60_000,
      'answers to be recorded',
    );
    kafka.kill();
    const faultAt = Date.now();
    await kafka.waitDead();
    // SR8.4s keep coming while the broker is away: the client retries each send until it is back.
    const updating = preNotifying.then(() => traffic.update(ids, 'AD'));
    await sleep(3000); // the outage
    await kafka.start();
    await updating;
    const responses = await traffic.answers();
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const figures = await traffic.account(responses);
    const replaced = inventory.logs().split('producer state lost').length - 1;
    figures.notes.push(`client sends retried: ${traffic.produceRetries}; inventory producers replaced after the broker lost their state: ${replaced}`);
    return { scenario: 'broker-killed', recoverySeconds, ...figures };
  },
};
