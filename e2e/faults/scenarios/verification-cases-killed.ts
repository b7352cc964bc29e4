import { Scenario } from '../figures';
import { call, waitUntil } from '../infra';

const HEADER = 'Identifier,Make,Model,Firmware Version,Device Type,Source,Status of Information,Date last Updated,Fix Available,Fix Information';
const row = (identifier: number) => `${identifier},Northwind Metering,NW-E470,0002012F,ESME,Device Manufacturer,Defect,2026-03-14,No,`;

/**
 * Verification is killed (-9) while its consumer opens cases from a provider's file on intake.events (a batch
 * of cases decided in one transaction), then restarted: every item must have exactly one case, opened once,
 * named with its accountable party, and every CaseOpened published on verification.events.
 */
export const verificationCasesKilled: Scenario = {
  name: 'verification-cases-killed',
  async run({ scale, system: newSystem }) {
    const system = newSystem();
    const intake = await system.start('intake');
    const verification = await system.start('verification');
    const admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    const registered = await call('POST', `${intake.url}/parties`, admin, { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] });
    if (registered.status !== 201) throw new Error(`registering the manufacturer: ${registered.status} ${JSON.stringify(registered.body)}`);
    const token = await system.token({ party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    const cases = async () => (await system.query<{ n: number }>('verification', 'SELECT count(*)::int AS n FROM cases'))[0].n;

    const rows = Math.round(10_000 * scale);
    const file = `${[HEADER, ...Array.from({ length: rows }, (_, i) => row(200_000 + i))].join('\r\n')}\r\n`;
    const upload = await fetch(`${intake.url}/submissions?fileName=cases.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: file,
    });
    const report = (await upload.json()) as { counts?: { accepted?: number } };
    const accepted = report.counts?.accepted ?? 0;

    await waitUntil(async () => (await cases()) > 0, 120_000, 'verification to open the first cases');
    await verification.kill();
    const faultAt = Date.now();
    const openedBeforeKill = await cases();
    await verification.start();
    await waitUntil(async () => (await cases()) >= accepted, 240_000, 'verification to open a case for every item');
    const recoverySeconds = (Date.now() - faultAt) / 1000;

    const opened = await system.query<{ event_id: string; stream_id: string }>('verification', `SELECT event_id::text, stream_id FROM events WHERE event_type = 'CaseOpened'`);
    const perCase = new Map<string, number>();
    for (const e of opened) perCase.set(e.stream_id, (perCase.get(e.stream_id) ?? 0) + 1);
    const withoutParty = (await system.query<{ n: number }>('verification', `SELECT count(*)::int AS n FROM cases WHERE accountable_party_id IS DISTINCT FROM 'MFR-NORTHWIND'`))[0].n;
    const inbox = await system.query<{ n: number }>(
      'verification',
      `SELECT count(*)::int AS n FROM consumer_inbox WHERE consumer = 'verification.cases-from-intake' GROUP BY message_id HAVING count(*) > 1`,
    );
    const onTopic = await system.readTopic(system.topic('verification.events'), (messages) => messages.filter((m) => m.headers.ce_type === 'CaseOpened').length >= opened.length);
    const published = new Set(onTopic.map((m) => m.headers.ce_id));
    const unpublished = opened.filter((e) => !published.has(e.event_id)).length;
    const total = await cases();
    return {
      scenario: 'verification-cases-killed',
      sent: rows,
      answered: accepted,
      stored: opened.length,
      published: opened.length - unpublished,
      lost: rows - accepted + Math.max(0, accepted - total) + unpublished + withoutParty,
      duplicated: [...perCase.values()].reduce((sum, n) => sum + n - 1, 0) + inbox.length + Math.max(0, total - accepted),
      recoverySeconds,
      notes: [`${openedBeforeKill} cases opened when killed; ${total} cases, ${opened.length} CaseOpened, ${withoutParty} without MFR-NORTHWIND as accountable party`],
    };
  },
};
