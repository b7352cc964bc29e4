import { Readable } from 'node:stream';
import { Scenario } from '../figures';
import { call, waitUntil } from '../infra';

const HEADER = 'Identifier,Make,Model,Firmware Version,Device Type,Source,Status of Information,Date last Updated,Fix Available,Fix Information';
const row = (identifier: number) => `${identifier},Northwind Metering,NW-E470,0002012F,ESME,Device Manufacturer,Defect,2026-03-14,No,`;

interface Report {
  counts: Record<string, number>;
}

/**
 * Intake is killed (-9) while a submission is being written (its transaction already holds rows), then
 * restarted: nothing of the file may be stored and nothing may hold the relay back. The client sends the file
 * again (accepted once) and a third time (unchanged): one ItemSubmitted per row, each published.
 */
export const intakeUploadKilled: Scenario = {
  name: 'intake-upload-killed',
  async run({ scale, system: newSystem }) {
    const system = newSystem();
    const intake = await system.start('intake');
    const admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    const registered = await call('POST', `${intake.url}/parties`, admin, { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] });
    if (registered.status !== 201) throw new Error(`registering the manufacturer: ${registered.status} ${JSON.stringify(registered.body)}`);
    const token = await system.token({ party: 'MFR-NORTHWIND', partyType: 'manufacturer' });

    const rows = Math.max(2500, Math.round(5000 * scale));
    const lines = [HEADER, ...Array.from({ length: rows }, (_, i) => row(100_000 + i))];
    const file = `${lines.join('\r\n')}\r\n`;
    const submit = async (body: string | ReadableStream) => {
      const response = await fetch(`${intake.url}/submissions?fileName=faults.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
        duplex: 'half',
      } as RequestInit);
      return { status: response.status, body: (await response.json()) as Report };
    };

    // The first upload sends 2,200 rows (past the recorder's 2,000-row chunk) and then waits: the service
    // has written the first chunk inside its still-open transaction when it is killed.
    const firstPart = `${lines.slice(0, 2201).join('\r\n')}\r\n`;
    const stalled = new Readable({ read() {} });
    stalled.push(firstPart);
    const interrupted = submit(Readable.toWeb(stalled) as ReadableStream).catch((error: Error) => ({ status: 0, body: { counts: {} }, error: error.message }));
    await waitUntil(
      async () =>
        (await system.postgres.query<{ n: number }>('postgres', `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL`, [system.database('intake')]))[0].n > 0,
      60_000,
      'the upload transaction to write',
    );
    await intake.kill();
    const faultAt = Date.now();
    const answer = await interrupted;
    stalled.destroy();
    await intake.start();
    const afterKill = (await system.query<{ n: number }>('intake', `SELECT count(*)::int AS n FROM events WHERE event_type IN ('ItemSubmitted', 'SubmissionRecorded')`))[0].n;
    const prepared = (await system.postgres.query<{ n: number }>('postgres', 'SELECT count(*)::int AS n FROM pg_prepared_xacts'))[0].n;

    const retried = await submit(file);
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const repeated = await submit(file);

    const perItem = await system.query<{ stream_id: string; n: number }>('intake', `SELECT stream_id, count(*)::int AS n FROM events WHERE event_type = 'ItemSubmitted' GROUP BY 1`);
    const items = (await system.query<{ n: number }>('intake', 'SELECT count(*)::int AS n FROM items'))[0].n;
    const stored = await system.query<{ event_id: string }>('intake', 'SELECT event_id::text FROM events');
    const published = new Set(
      (await system.readTopic(system.topic('intake.events'), (messages) => messages.length >= stored.length)).map((m) => m.headers.ce_id),
    );
    const unpublished = stored.filter((e) => !published.has(e.event_id)).length;
    const accepted = retried.body.counts.accepted ?? 0;
    return {
      scenario: 'intake-upload-killed',
      sent: rows,
      answered: accepted,
      stored: stored.length,
      published: stored.length - unpublished,
      lost: rows - perItem.length + (rows - items) + unpublished,
      duplicated: perItem.reduce((sum, i) => sum + i.n - 1, 0) + afterKill + (repeated.body.counts.accepted ?? 0),
      recoverySeconds,
      notes: [
        `the killed upload got ${answer.status === 0 ? 'no answer' : answer.status}; stored after the kill: ${afterKill} events; prepared transactions left: ${prepared}`,
        `retried: ${retried.status} ${JSON.stringify(retried.body.counts)}; sent a third time: ${repeated.status} ${JSON.stringify(repeated.body.counts)}; items ${items}`,
      ],
    };
  },
};
