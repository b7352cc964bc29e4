import { Scenario } from '../figures';
import { waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

/** Inventory is killed (-9) while its SR consumer is deciding a batch of SR8.4s, then restarted. */
export const inventoryConsumerKilled: Scenario = {
  name: 'inventory-consumer-killed',
  async run({ scale, system: newSystem }) {
    const system = newSystem();
    const inventory = await system.start('inventory');
    const traffic = new ServiceRequestTraffic(system, 2);
    const ids = devices(2, Math.round(300 * scale));
    await traffic.preNotify(ids);
    await traffic.answers();

    const sending = traffic.update(ids, 'ADE');
    await waitUntil(
      async () => (await system.query<{ n: number }>('inventory', `SELECT count(*)::int AS n FROM events WHERE event_type = 'InventoryUpdated'`))[0].n > 0,
      60_000,
      'the first SR8.4 batch to commit',
    );
    await inventory.kill();
    const faultAt = Date.now();
    await inventory.start();
    await sending;
    const responses = await traffic.answers();
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const updated = (await system.query<{ n: number }>('inventory', `SELECT count(*)::int AS n FROM events WHERE event_type = 'InventoryUpdated'`))[0].n;
    const figures = await traffic.account(responses);
    figures.notes.push(`InventoryUpdated events: ${updated} for ${ids.length} devices`);
    return { scenario: 'inventory-consumer-killed', recoverySeconds, ...figures };
  },
};
