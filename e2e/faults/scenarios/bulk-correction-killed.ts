import { Scenario } from '../figures';
import { call, waitUntil } from '../infra';
import { devices, ServiceRequestTraffic, SUPPLIER } from '../service-requests';

interface Job {
  jobId: string;
  status: string;
  totalRows: number;
  processedRows: number;
  counts: Record<string, number>;
  repeated: number;
}

/**
 * Inventory is killed (-9) halfway through a bulk correction (small batches, so the kill lands between and in
 * them); the restarted instance resumes the job. Every row must be decided once: one InventoryUpdated per device.
 * The same file is then uploaded again and must change nothing.
 */
export const bulkCorrectionKilled: Scenario = {
  name: 'bulk-correction-killed',
  async run({ scale, system: newSystem }) {
    const system = newSystem();
    const inventory = await system.start('inventory', { INVENTORY_BULK_BATCH_SIZE: '20', INVENTORY_BULK_POLL_INTERVAL_MS: '200' });
    const ids = devices(3, Math.round(600 * scale));
    const preNotify = new ServiceRequestTraffic(system, 3);
    await preNotify.preNotify(ids);
    await preNotify.answers();

    const token = await system.token({ sub: SUPPLIER.sub, party: SUPPLIER.party, partyType: 'supplier', roles: SUPPLIER.roles });
    const file = `Device ID,ESME Variant\r\n${ids.map((id) => `${id},AD`).join('\r\n')}\r\n`;
    const upload = async () => {
      const response = await fetch(`${inventory.url}/bulk-corrections`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: file });
      if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as Job).jobId;
    };
    const job = async (jobId: string) => (await call('GET', `${inventory.url}/bulk-corrections/${jobId}`, token)).body as Job;
    const finished = (jobId: string) => waitUntil(async () => ((await job(jobId)).status === 'completed' ? job(jobId) : undefined), 180_000, `bulk correction ${jobId} to complete`);

    const jobId = await upload();
    const killedAt = await waitUntil(async () => {
      const { processedRows } = await job(jobId);
      return processedRows > 0 ? processedRows : undefined;
    }, 60_000, 'the first rows to be processed');
    await inventory.kill();
    const faultAt = Date.now();
    await inventory.start();
    const first = await finished(jobId);
    const recoverySeconds = (Date.now() - faultAt) / 1000;

    const again = await finished(await upload());
    const perDevice = await system.query<{ stream_id: string; n: number }>(
      'inventory',
      `SELECT stream_id, count(*)::int AS n FROM events WHERE event_type = 'InventoryUpdated' GROUP BY 1`,
    );
    const stored = await system.query<{ event_id: string }>('inventory', 'SELECT event_id::text FROM events');
    const published = new Set((await system.readTopic(system.topic('inventory.events'))).map((m) => m.headers.ce_id));
    const unpublished = stored.filter((e) => !published.has(e.event_id)).length;
    const updated = perDevice.length;
    const duplicated = perDevice.reduce((sum, d) => sum + d.n - 1, 0) + (again.counts.I0 === again.repeated ? 0 : again.counts.I0 - again.repeated);
    return {
      scenario: 'bulk-correction-killed',
      sent: ids.length,
      answered: first.counts.I0 ?? 0,
      stored: stored.length,
      published: stored.length - unpublished,
      lost: ids.length - updated + (ids.length - (first.counts.I0 ?? 0)) + unpublished,
      duplicated,
      recoverySeconds,
      notes: [
        `killed after ${killedAt} of ${first.totalRows} rows; job ${first.status} with ${JSON.stringify(first.counts)}`,
        `the same file again: ${JSON.stringify(again.counts)}, ${again.repeated} repeated; InventoryUpdated on ${updated} devices`,
      ],
    };
  },
};
