import { PassThrough } from 'node:stream';
import { runOps } from './index';

/**
 * runOps against stand-in services: `routes` answers by "METHOD url"; anything else is a connection refused,
 * as undici reports it (TypeError "fetch failed" with the system error as its cause).
 */
function harness(routes: Record<string, (init: RequestInit) => Response | Promise<Response>>) {
  const calls: string[] = [];
  const fetchStub = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const key = `${init.method ?? 'GET'} ${String(input)}`;
    calls.push(key);
    const route = routes[key];
    if (route) return route(init);
    const port = new URL(String(input)).port;
    throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' }) });
  }) as typeof fetch;
  let out = '';
  let err = '';
  const stderr = new PassThrough();
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const code = await runOps(argv, {
      env: { SMI_TOKEN: 'tok', ...env },
      stdout: { write: (text: string) => (out += text) },
      stderr,
      fetch: fetchStub,
      pollMs: 1,
    });
    await new Promise((resolve) => setImmediate(resolve));
    return { code, out, err };
  };
  return { run, calls };
}

function harnessFetch(routes: Record<string, () => Response>): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const route = routes[`${init.method ?? 'GET'} ${String(input)}`];
    if (!route) throw new Error(`unexpected ${init.method ?? 'GET'} ${String(input)}`);
    return route();
  }) as typeof fetch;
}

const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const URLS = { intake: 'http://127.0.0.1:3001', verification: 'http://127.0.0.1:3002', publication: 'http://127.0.0.1:3003', inventory: 'http://127.0.0.1:3004' };
const actor = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };

function correlations(id: string, events: Partial<Record<'inventory' | 'publication', unknown[]>>, answerStream: unknown[] = []) {
  const path = `/audit/correlations/${encodeURIComponent(id)}`;
  return {
    [`GET ${URLS.intake}${path}`]: json({ correlationId: id, events: [] }),
    [`GET ${URLS.verification}${path}`]: json({ correlationId: id, events: [] }),
    [`GET ${URLS.publication}${path}`]: json({ correlationId: id, events: events.publication ?? [] }),
    [`GET ${URLS.inventory}${path}`]: json({ correlationId: id, events: events.inventory ?? [] }),
    [`GET ${URLS.inventory}/audit/streams/${encodeURIComponent(`service-request-${id}`)}`]: json({ streamId: `service-request-${id}`, asOf: null, version: answerStream.length, events: answerStream }),
  };
}

const ID = '90-B3-D5-1F-30-01-00-01:00-DB-12-34-56-78-90-A0:7';
// An SR8.4 sent over HTTP: recorded under its HTTP request id, found from the RequestID through its answer's stream.
const HTTP_ID = 'req-5f0c';
const answered = {
  position: '8', streamId: `service-request-${ID}`, streamVersion: 1, eventId: 'b', type: 'ServiceRequestAnswered', schemaVersion: 1,
  recordedAt: '2026-12-05T09:00:00.010Z', data: { responseCode: 'I0', message: 'ESME Variant corrected from A to B' }, metadata: { actor, correlationId: HTTP_ID },
};
const corrected = {
  position: '7', streamId: 'device-00-DB-12-34-56-78-90-A0', streamVersion: 3, eventId: 'a', type: 'EsmeVariantCorrected', schemaVersion: 1,
  recordedAt: '2026-12-05T09:00:00.010Z', data: { from: 'A', to: 'B' }, metadata: { actor, correlationId: HTTP_ID },
};
const copy = { ...corrected, position: '40', streamId: 'inventory-device-00-DB-12-34-56-78-90-A0', eventId: 'a', recordedAt: '2026-12-05T09:00:00.300Z' };
const sr84 = [answered, corrected];

describe('runOps', () => {
  it('trace --json prints one JSON document with the merged, ordered events, following a RequestID to its HTTP request id', async () => {
    const { run, calls } = harness({ ...correlations(ID, {}, [answered]), ...correlations(HTTP_ID, { inventory: sr84, publication: [copy] }) });
    const { code, out, err } = await run(['trace', ID, '--json']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const document = JSON.parse(out);
    expect(document.correlationId).toBe(ID);
    expect(document.alsoKnownAs).toEqual([HTTP_ID]);
    expect(document.services.inventory).toEqual({ url: URLS.inventory, events: 2 });
    expect(document.events.map((e: { service: string; type: string; actor: string; answer: string }) => [e.service, e.type, e.actor, e.answer])).toEqual([
      ['inventory', 'EsmeVariantCorrected', '90-B3-D5-1F-30-01-00-01 (SUPPLIER-A supplier)', ''],
      ['inventory', 'ServiceRequestAnswered', '90-B3-D5-1F-30-01-00-01 (SUPPLIER-A supplier)', 'I0 ESME Variant corrected from A to B'],
      ['publication', 'EsmeVariantCorrected', '90-B3-D5-1F-30-01-00-01 (SUPPLIER-A supplier)', ''],
    ]);
    // The RequestID has colons: it travels in the path encoded.
    expect(calls).toContain(`GET ${URLS.inventory}/audit/correlations/${encodeURIComponent(ID)}`);
  });

  it('trace lists an event found under both ids once', async () => {
    const { run } = harness({ ...correlations(ID, { inventory: [answered] }, [answered]), ...correlations(HTTP_ID, { inventory: sr84 }) });
    const { code, out } = await run(['trace', ID]);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe(`Request ${ID} (HTTP request ${HTTP_ID}): 2 events (intake 0, verification 0, publication 0, inventory 2)`);
  });

  it('trace fails as a whole, in one line, when a service is unreachable: no partial trace', async () => {
    const routes = correlations(ID, { inventory: sr84 });
    delete routes[`GET ${URLS.inventory}/audit/correlations/${encodeURIComponent(ID)}`];
    const { run } = harness(routes);
    const { code, out, err } = await run(['trace', ID]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('inventory unreachable at http://127.0.0.1:3004: connect ECONNREFUSED 127.0.0.1:3004\n');
  });

  it('says which service refused the token and why', async () => {
    const { run } = harness({ [`GET ${URLS.inventory}/ops/dead-letters`]: json({ statusCode: 403, message: 'requires role operator' }, 403) });
    expect(await run(['dlq', 'list', 'inventory'])).toEqual({ code: 1, out: '', err: 'inventory refused the token: requires role operator\n' });
  });

  it('passes on a service refusal with its status and message', async () => {
    const { run } = harness({
      [`POST ${URLS.inventory}/ops/dead-letters/3/replay`]: json({ statusCode: 409, message: 'dead letter 3 was already replayed at 2026-12-05T09:00:00.000Z by ops-1' }, 409),
    });
    const { code, err } = await run(['dlq', 'replay', 'inventory', '3']);
    expect(code).toBe(1);
    expect(err).toBe('inventory answered 409 to POST /ops/dead-letters/3/replay: dead letter 3 was already replayed at 2026-12-05T09:00:00.000Z by ops-1\n');
  });

  it('gives up on a service that does not answer within --timeout', async () => {
    const hang = (init: RequestInit) =>
      new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    const { run } = harness({ [`GET http://10.9.9.9:8080/ops/relay`]: hang, [`GET http://10.9.9.9:8080/ops/consumers`]: hang });
    const { code, err } = await run(['lag', 'inventory', '--timeout', '0.05', '--url', 'inventory=http://10.9.9.9:8080']);
    expect(code).toBe(1);
    expect(err).toBe('inventory did not answer within 0.05 s at http://10.9.9.9:8080\n');
  });

  it('exits 2 with the reason and the usage on a usage error', async () => {
    const { run, calls } = harness({});
    const { code, out, err } = await run(['history', 'inventory']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.split('\n')[0]).toBe('ops: expected history <service> <streamId>; got "inventory"');
    expect(err).toContain('Usage: npm run ops -- <command> [options]');
    expect(calls).toEqual([]);
  });

  it('rebuild prints plain progress lines without a terminal and ends once reads use the new table', async () => {
    const progress = [
      { rebuilding: true, table: 'overview_2', processed: 0, total: 10, percent: 0 },
      { rebuilding: true, table: 'overview_2', processed: 0, total: 10, percent: 0 },
      { rebuilding: true, table: 'overview_2', processed: 6, total: 10, percent: 60 },
      { rebuilding: false, table: 'overview_2', processed: 10, total: 10, percent: 100 },
    ];
    const path = `${URLS.intake}/ops/projections/overview/rebuild`;
    const { run } = harness({ [`POST ${path}`]: json({ rebuilding: 'overview_2' }, 202), [`GET ${path}`]: () => json(progress.shift())() });
    const { code, out, err } = await run(['rebuild', 'intake', 'overview']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out.split('\n')).toEqual([
      'rebuilding overview on intake: 0/10 events (0%)',
      'rebuilding overview on intake: 6/10 events (60%)',
      'rebuilding overview on intake: 10/10 events (100%)',
      'overview on intake rebuilt into overview_2 from 10 events; reads now use it.',
      '',
    ]);
  });

  it('rebuild draws a progress bar on a terminal, and only the result goes to stdout', async () => {
    const progress = [
      { rebuilding: true, table: 'overview_2', processed: 3, total: 10, percent: 30 },
      { rebuilding: false, table: 'overview_2', processed: 10, total: 10, percent: 100 },
    ];
    const path = `${URLS.intake}/ops/projections/overview/rebuild`;
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    let drawn = '';
    terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    let out = '';
    const code = await runOps(['rebuild', 'intake', 'overview'], {
      env: { SMI_TOKEN: 'tok' },
      stdout: { write: (text: string) => (out += text) },
      stderr: terminal,
      fetch: harnessFetch({ [`POST ${path}`]: json({ rebuilding: 'overview_2' }, 202), [`GET ${path}`]: () => json(progress.shift())() }),
      pollMs: 1,
    });
    expect(code).toBe(0);
    expect(out).toBe('overview on intake rebuilt into overview_2 from 10 events; reads now use it.\n');
    expect(drawn).toContain('intake overview [');
    expect(drawn).toContain('100% | 10/10 events');
  });

  it('rebuild fails with the reason when the rebuild ends on another table', async () => {
    const path = `${URLS.intake}/ops/projections/overview/rebuild`;
    const { run } = harness({
      [`POST ${path}`]: json({ rebuilding: 'overview_2' }, 202),
      [`GET ${path}`]: json({ rebuilding: false, table: 'overview_1', processed: 4, total: 4, percent: 100 }),
    });
    const { code, err } = await run(['rebuild', 'intake', 'overview', '--json']);
    expect(code).toBe(1);
    expect(err).toBe('intake: the rebuild of overview into overview_2 ended without switching to it (reads use overview_1); see GET /ops/projections\n');
  });

  it('lag --json reports every service asked for', async () => {
    const group = {
      consumer: 'service-requests',
      groupId: 'p.service-requests',
      lag: '2',
      partitions: [
        { topic: 'p.inventory.service-requests', partition: 0, committed: '3', end: '5', lag: '2' },
        { topic: 'p.inventory.service-requests', partition: 1, committed: null, end: '0', lag: '0' },
      ],
    };
    const { run } = harness({
      [`GET ${URLS.intake}/ops/relay`]: json({ running: true, active: true, idle: true, backlog: 0 }),
      [`GET ${URLS.intake}/ops/consumers`]: json({ service: 'intake', groups: [] }),
      [`GET ${URLS.inventory}/ops/relay`]: json({ running: true, active: true, idle: false, backlog: 4 }),
      [`GET ${URLS.inventory}/ops/consumers`]: json({ service: 'inventory', groups: [group] }),
    });
    const { code, out } = await run(['lag', 'intake', 'inventory', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      services: [
        { service: 'intake', relay: { running: true, active: true, idle: true, backlog: 0 }, consumers: [] },
        { service: 'inventory', relay: { running: true, active: true, idle: false, backlog: 4 }, consumers: [group] },
      ],
    });
    const human = await harness({
      [`GET ${URLS.inventory}/ops/relay`]: json({ running: true, active: true, idle: false, backlog: 4 }),
      [`GET ${URLS.inventory}/ops/consumers`]: json({ service: 'inventory', groups: [group] }),
    }).run(['lag', 'inventory']);
    expect(human.out).toMatch(/^SERVICE\s+RELAY\s+BACKLOG\s+GROUPS\s+CONSUMER LAG\ninventory\s+active, publishing\s+4\s+1\s+2\n/);
    expect(human.out).toMatch(/inventory\s+service-requests\s+p\.inventory\.service-requests\s+0\s+3\s+5\s+2\n\(1 empty partition not shown; --json lists them\)\n$/);
  });

  it('dlq replay --all replays the pending ones oldest first and reports a refusal without stopping', async () => {
    const base = `${URLS.inventory}/ops/dead-letters`;
    const letter = (id: string) => ({ id, replayable: true, replayedAt: null, replayedBy: null });
    const replayed = (id: string) => json({ id, topic: 'p.inventory.service-requests', key: 'dev', replayedAt: '2026-12-05T09:00:00.000Z', replayedBy: { userId: 'ops' } });
    const { run, calls } = harness({
      [`GET ${base}?pending=true&limit=1000`]: json({ deadLetters: [letter('5'), { ...letter('4'), replayable: false }, letter('3'), letter('2')] }),
      [`POST ${base}/2/replay`]: replayed('2'),
      [`POST ${base}/3/replay`]: json({ message: 'dead letter 3 was already replayed at x by y' }, 409),
      [`POST ${base}/5/replay`]: replayed('5'),
    });
    const { code, out, err } = await run(['dlq', 'replay', 'inventory', '--all']);
    expect(code).toBe(1);
    expect(calls.filter((c) => c.startsWith('POST')).map((c) => c.split('/')[5])).toEqual(['2', '3', '5']);
    expect(out).toBe(
      'replayed dead letter 2 on inventory to p.inventory.service-requests (key dev) at 2026-12-05 09:00:00.000 UTC\n' +
        'replayed dead letter 5 on inventory to p.inventory.service-requests (key dev) at 2026-12-05 09:00:00.000 UTC\n',
    );
    expect(err).toBe('inventory answered 409 to POST /ops/dead-letters/3/replay: dead letter 3 was already replayed at x by y\n');
  });
});
