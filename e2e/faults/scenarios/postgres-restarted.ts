import { Scenario } from '../figures';
import { waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

/**
 * PostgreSQL is restarted (`pg_ctl restart -m immediate`: every connection cut, crash recovery) while SR8.4s
 * arrive over HTTP (clients retry with the same RequestID) and over Kafka.
 */
export const postgresRestarted: Scenario = {
  name: 'postgres-restarted',
  async run({ postgres, scale, system: newSystem }) {
    const system = newSystem();
    const inventory = await system.start('inventory');
    const traffic = new ServiceRequestTraffic(system, 6);
    const ids = devices(6, Math.round(300 * scale));
    await traffic.preNotify(ids);
    await traffic.answers();

    const overHttp = ids.slice(0, ids.length / 2);
    const overKafka = ids.slice(ids.length / 2);
    const load = Promise.all([traffic.updateOverHttp(() => inventory.url, overHttp, 'AD'), traffic.update(overKafka, 'AD')]);
    await waitUntil(
      async () => (await system.query<{ n: number }>('inventory', `SELECT count(*)::int AS n FROM events WHERE event_type = 'InventoryUpdated'`))[0].n >= ids.length / 8,
      60_000,
      'SR8.4s to be recorded',
    );
    const faultAt = Date.now();
    postgres.restart('immediate');
    await load;
    const responses = await traffic.answers();
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const figures = await traffic.account(responses);
    figures.notes.push(`HTTP retries (same RequestID) while the database was away: ${traffic.httpRetries}`);
    return { scenario: 'postgres-restarted', recoverySeconds, ...figures };
  },
};
