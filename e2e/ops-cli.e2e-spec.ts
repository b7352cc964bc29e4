import { waitFor } from '@smi/testing';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ESME_DETAILS, InventoryClient, PARTIES } from './support/inventory';
import { TestKafka } from './support/kafka';
import { call, ServiceName, TestSystem } from './support/system';

const ROOT = join(__dirname, '..');
const SERVICES: ServiceName[] = ['intake', 'verification', 'publication', 'inventory'];
// The very command `npm run ops` runs, read from package.json so the test cannot drift from it.
const [, ...OPS_ARGS] = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { ops: string } }).scripts.ops.split(' ');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The operator CLI as a child process against the four compiled services: a real SR8.4 traced across them, a
 * real dead letter listed, shown and replayed, a real rebuild, rewind and lag, and the failures an operator meets.
 */
describe('ops CLI against the running system', () => {
  const system = new TestSystem();
  const inventory = new InventoryClient(system);
  const kafka = new TestKafka();
  const DEVICE = '00-DB-12-34-56-78-9C-01';
  let operator: string;
  let auditor: string;
  let supplier: string;
  let requestId: string;
  /** An SR8.4 over HTTP is recorded under its HTTP request id; the CLI finds it from the RequestID. */
  let httpRequestId: string;
  const output: string[] = [];

  function ops(args: string[], token: string | null = operator, env: Record<string, string> = {}): Promise<Run> {
    const urls = Object.fromEntries(SERVICES.map((s) => [`SMI_${s.toUpperCase()}_URL`, system.url(s)]));
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [...OPS_ARGS, ...args],
        // Only what the CLI is meant to read, so an operator's own SMI_TOKEN cannot leak into the test.
        { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...urls, ...(token ? { SMI_TOKEN: token } : {}), ...env }, timeout: 120_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          output.push(`$ npm run ops -- ${args.join(' ')}\n${stdout}${stderr ? `[stderr] ${stderr}` : ''}[exit ${code}]`);
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  const stderrLines = (run: Run) => run.stderr.split('\n').filter((line) => line !== '');

  beforeAll(async () => {
    await system.start(SERVICES);
    operator = await system.token({ sub: 'dcc-operator', party: 'DCC', partyType: 'dcc', roles: ['operator'] });
    auditor = await system.token({ sub: 'dcc-auditor', party: 'DCC', partyType: 'dcc', roles: ['audit'] });
    supplier = await system.token({ sub: PARTIES.supplierA.sub, party: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] });

    // A device through its life to Commissioned, then the SR8.4 whose trace is asked for.
    expect((await inventory.preNotify('supplierA', DEVICE, ESME_DETAILS)).body).toMatchObject({ responseCode: 'I0' });
    for (const status of ['Whitelisted', 'InstalledNotCommissioned', 'Commissioned']) expect((await inventory.status(DEVICE, status)).status).toBe(200);
    requestId = inventory.requestId('supplierA', DEVICE);
    const corrected = await inventory.update('supplierA', DEVICE, { esmeVariant: 'B' }, requestId);
    expect(corrected.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from A to B' });
    httpRequestId = corrected.headers.get('x-request-id')!;
    expect(httpRequestId).toBeTruthy();
    // Publication keeps a copy of the correction under the same request: wait for it so the trace crosses services.
    await waitFor(async () => {
      const copies = await call('GET', `${system.url('publication')}/audit/correlations/${encodeURIComponent(httpRequestId)}`, auditor);
      return (copies.body as { events?: unknown[] }).events?.length ? true : undefined;
    }, 90_000, 'publication to copy the correction').catch(async (error: Error) => {
      const publication = system.url('publication');
      const [dead, consumers] = await Promise.all([call('GET', `${publication}/ops/dead-letters`, auditor), call('GET', `${publication}/ops/consumers`, auditor)]);
      throw new Error(`${error.message}\ndead letters: ${JSON.stringify(dead.body)}\nconsumers: ${JSON.stringify(consumers.body)}\n${system.logs('publication')}`);
    });
    // Four services starting on a shared machine, then a device's whole life: more than the default two minutes.
  }, 300_000);

  afterAll(async () => {
    await kafka.close();
    await system.stop();
    // What the CLI printed, for whoever reads the test log.
    if (process.env.OPS_CLI_E2E_PRINT) console.log(output.join('\n\n'));
  });

  it('trace <RequestID>: who changed the ESME Variant, when, on which request, and what was answered, across the four services', async () => {
    const human = await ops(['trace', requestId]);
    expect({ code: human.code, stderr: human.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Request ${escape(requestId)} \\(HTTP request ${httpRequestId}\\): \\d+ events \\(intake 0, verification 0, publication [1-9]\\d*, inventory 2\\)$`));
    const header = lines[2];
    expect(header).toMatch(/^TIME \(UTC\)\s+SERVICE\s+STREAM\s+TYPE\s+ACTOR\s+CHANGE\s+ANSWER$/);
    const rows = lines.slice(3);
    const inventoryRows = rows.filter((row) => row.slice(header.indexOf('SERVICE')).startsWith('inventory'));
    const actor = `${PARTIES.supplierA.sub} (SUPPLIER-A supplier)`;
    expect(inventoryRows).toHaveLength(2);
    expect(inventoryRows[0]).toMatch(new RegExp(`inventory\\s+device-${DEVICE}\\s+EsmeVariantCorrected\\s+${escape(actor)}\\s+esmeVariant A → B$`));
    expect(inventoryRows[1]).toMatch(new RegExp(`inventory\\s+service-request-${escape(requestId)}\\s+ServiceRequestAnswered\\s+${escape(actor)}\\s+I0 ESME Variant corrected from A to B$`));
    expect(rows.some((row) => /publication\s+\S+\s+EsmeVariantCorrected/.test(row))).toBe(true);
    const times = rows.map((row) => row.slice(0, 23));
    expect([...times].sort()).toEqual(times);

    const json = await ops(['trace', requestId, '--json']);
    expect(json.code).toBe(0);
    const trace = JSON.parse(json.stdout) as { correlationId: string; alsoKnownAs: string[]; services: Record<string, { events: number }>; events: Array<Record<string, string>> };
    expect(trace.correlationId).toBe(requestId);
    expect(trace.alsoKnownAs).toEqual([httpRequestId]);
    expect(Object.keys(trace.services)).toEqual(SERVICES);
    const own = trace.events.filter((e) => e.service === 'inventory');
    expect(own.map((e) => [e.type, e.actor, e.answer])).toEqual([
      ['EsmeVariantCorrected', actor, ''],
      ['ServiceRequestAnswered', actor, 'I0 ESME Variant corrected from A to B'],
    ]);
    const instants = trace.events.map((e) => Date.parse(e.recordedAt));
    expect([...instants].sort((a, b) => a - b)).toEqual(instants);
  });

  it('history of the device stream, now and as of an instant before the correction', async () => {
    const now = await ops(['history', 'inventory', `device-${DEVICE}`]);
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(new RegExp(`^Stream device-${DEVICE} on inventory: version 5, 5 events\\n`));
    expect(now.stdout).toMatch(new RegExp(`\\n5\\s+\\S+ \\S+\\s+EsmeVariantCorrected\\s+.*${escape(requestId)}\\s+esmeVariant A → B\\n$`));

    const json = JSON.parse((await ops(['history', 'inventory', `device-${DEVICE}`, '--json'])).stdout) as { events: Array<{ type: string; recordedAt: string }> };
    expect(json.events.map((e) => e.type)).toEqual(['DevicePreNotified', 'DeviceStatusChanged', 'DeviceStatusChanged', 'DeviceStatusChanged', 'EsmeVariantCorrected']);
    // Recorded with microseconds, shown to the millisecond: one millisecond on still comes before the correction.
    const before = new Date(Date.parse(json.events[3].recordedAt) + 1).toISOString();
    const asOf = await ops(['history', 'inventory', `device-${DEVICE}`, '--as-of', before]);
    expect(asOf.stdout.split('\n')[0]).toMatch(/as of .* UTC: version 4, 4 events$/);
    expect(asOf.stdout).not.toContain('EsmeVariantCorrected');
  });

  it('a dead letter made for real is listed, shown, replayed once to its source topic, and refused the second time', async () => {
    const source = `${system.topicPrefix}.inventory.service-requests`;
    await kafka.produce(source, [{ key: DEVICE, value: '{"serviceReference": "8.4", truncated', headers: { origin: 'ops-cli-e2e' } }]);
    await waitFor(async () => {
      const listed = await call('GET', `${system.url('inventory')}/ops/dead-letters`, auditor);
      return (listed.body as { deadLetters: unknown[] }).deadLetters.length === 1 ? true : undefined;
    }, 60_000, 'the inventory to dead-letter the message');

    const list = await ops(['dlq', 'list', 'inventory', '--json'], auditor);
    expect(list.code).toBe(0);
    const [dead] = (JSON.parse(list.stdout) as { deadLetters: Array<{ id: string; topic: string; offset: string; error: string; replayedAt: string | null }> }).deadLetters;
    expect(dead).toMatchObject({ topic: source, replayedAt: null, error: expect.stringMatching(/^PermanentMessageError: service request is not JSON/) });
    const human = await ops(['dlq', 'list', 'inventory'], auditor);
    expect(human.stdout).toMatch(new RegExp(`\\n${dead.id}\\s+\\S+ \\S+\\s+inventory\\.service-requests\\s+${escape(source)}\\[\\d+\\]@${dead.offset}\\s+PermanentMessageError: .*\\s+no\\n$`));

    const show = await ops(['dlq', 'show', 'inventory', dead.id], auditor);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Dead letter ${dead.id} on inventory`);
    expect(show.stdout).toContain(`  key         ${DEVICE}`);
    expect(show.stdout).toContain('    origin: ops-cli-e2e');
    expect(show.stdout).toContain('  value (utf8)\n{"serviceReference": "8.4", truncated\n');

    // Bad ids are named; an id that names no row is a 404; neither is a 5xx from PostgreSQL.
    const inventoryUrl = system.url('inventory');
    expect(await call('GET', `${inventoryUrl}/ops/dead-letters/abc`, auditor)).toMatchObject({ status: 400, body: { errors: [{ field: 'id' }] } });
    expect(await call('POST', `${inventoryUrl}/ops/dead-letters/99999999999999999999/replay`, operator)).toMatchObject({ status: 400, body: { errors: [{ field: 'id' }] } });
    expect((await call('POST', `${inventoryUrl}/ops/dead-letters/999999/replay`, operator)).status).toBe(404);
    expect(await call('GET', `${inventoryUrl}/ops/dead-letters?limit=0`, auditor)).toMatchObject({ status: 400, body: { errors: [{ field: 'limit' }] } });
    expect((await call('GET', `${inventoryUrl}/ops/dead-letters`, supplier)).status).toBe(403);

    // Refused to a DCC user without the operator role, at the service (403) and in the CLI's one line.
    expect((await call('POST', `${system.url('inventory')}/ops/dead-letters/${dead.id}/replay`, auditor)).status).toBe(403);
    const refused = await ops(['dlq', 'replay', 'inventory', dead.id], auditor);
    expect(refused.code).toBe(1);
    expect(stderrLines(refused)).toEqual(['inventory refused the token: requires role operator']);

    const replay = await ops(['dlq', 'replay', 'inventory', dead.id]);
    expect({ code: replay.code, stderr: replay.stderr }).toEqual({ code: 0, stderr: '' });
    expect(replay.stdout).toMatch(new RegExp(`^replayed dead letter ${dead.id} on inventory to ${escape(source)} \\(key ${DEVICE}\\) at \\S+ \\S+ UTC\\n$`));

    const again = await ops(['dlq', 'replay', 'inventory', dead.id]);
    expect(again.code).toBe(1);
    expect(stderrLines(again)).toEqual([expect.stringMatching(new RegExp(`^inventory answered 409 to POST /ops/dead-letters/${dead.id}/replay: dead letter ${dead.id} was already replayed at .* by dcc-operator$`))]);
    expect((await call('POST', `${system.url('inventory')}/ops/dead-letters/${dead.id}/replay`, operator)).status).toBe(409);

    // The replayed message is still not JSON, so it comes back as a new dead letter from a later offset of the
    // source topic: proof that it really went back there.
    const after = await waitFor(async () => {
      const listed = (await call('GET', `${system.url('inventory')}/ops/dead-letters`, auditor)).body as { deadLetters: Array<{ id: string; offset: string; replayedAt: string | null; replayedBy: { userId: string } | null }> };
      return listed.deadLetters.length === 2 ? listed.deadLetters : undefined;
    }, 60_000, 'the replayed message to be dead-lettered again');
    expect(after[1]).toMatchObject({ id: dead.id, replayedBy: { userId: 'dcc-operator' } });
    expect(BigInt(after[0].offset)).toBeGreaterThan(BigInt(dead.offset));
    expect(after[0].replayedAt).toBeNull();
    const shownAgain = await ops(['dlq', 'list', 'inventory', '--pending', '--json'], auditor);
    expect((JSON.parse(shownAgain.stdout) as { deadLetters: Array<{ id: string }> }).deadLetters.map((d) => d.id)).toEqual([after[0].id]);
  });

  it('lag: every service with its relay and its consumer groups per partition', async () => {
    const human = await ops(['lag'], auditor);
    expect({ code: human.code, stderr: human.stderr }).toEqual({ code: 0, stderr: '' });
    for (const service of SERVICES) expect(human.stdout).toMatch(new RegExp(`^${service}\\s+active`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^inventory\\s+inventory\\.service-requests\\s+${escape(system.topicPrefix)}\\.inventory\\.service-requests\\s+\\d+\\s+`, 'm'));

    const json = JSON.parse((await ops(['lag', '--json'], auditor)).stdout) as {
      services: Array<{ service: string; relay: { running: boolean }; consumers: Array<{ consumer: string; groupId: string; partitions: Array<{ end: string; lag: string }> }> }>;
    };
    expect(json.services.map((s) => s.service)).toEqual(SERVICES);
    const inventoryGroups = json.services[3].consumers;
    expect(inventoryGroups.map((g) => g.consumer).sort()).toEqual(['inventory.device-reports', 'inventory.service-requests']);
    const requests = inventoryGroups.find((g) => g.consumer === 'inventory.service-requests')!;
    expect(requests.groupId).toBe(`${system.topicPrefix}.inventory.service-requests`);
    // Two messages were produced to it (the poison one and its replay) and both were handled: nothing left.
    await waitFor(async () => {
      const again = JSON.parse((await ops(['lag', 'inventory', '--json'], auditor)).stdout) as typeof json;
      const group = again.services[0].consumers.find((g) => g.consumer === 'inventory.service-requests')!;
      return group.partitions.every((p) => p.lag === '0') && group.partitions.reduce((sum, p) => sum + Number(p.end), 0) === 2 ? true : undefined;
    }, 60_000, 'the service-requests group to have read everything');
    expect((await call('GET', `${system.url('inventory')}/ops/consumers`, supplier)).status).toBe(403);
  });

  it('rebuild of a real read model completes, with plain progress lines off a terminal', async () => {
    const registered = await call('POST', `${system.url('intake')}/parties`, await system.token({ sub: 'dcc-admin', party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] }), {
      partyId: 'MFR-OPS-CLI',
      name: 'Ops CLI Meters Ltd',
      partyType: 'manufacturer',
      makes: ['Ops Meters'],
    });
    expect(registered.status).toBe(201);
    const run = await ops(['rebuild', 'intake', 'registry_overview']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^rebuilding registry_overview on intake: \d+\/\d+ events \(\d+%\)$/);
    expect(lines[lines.length - 1]).toMatch(/^registry_overview on intake rebuilt into registry_overview_v\d+ from [1-9]\d* events?; reads now use it\.$/);
    const status = (await call('GET', `${system.url('intake')}/ops/projections`, auditor)).body as Array<{ projection: string; activeTable: string }>;
    expect(lines[lines.length - 1]).toContain(status.find((p) => p.projection === 'registry_overview')!.activeTable);
  });

  it('rewind answers with the new checkpoint; a position with no event is refused in one line', async () => {
    const trace = JSON.parse((await ops(['trace', requestId, '--json'])).stdout) as { events: Array<{ service: string; position: string; type: string }> };
    const position = trace.events.find((e) => e.service === 'inventory' && e.type === 'EsmeVariantCorrected')!.position;
    const run = await ops(['rewind', 'inventory', '--from', position]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^inventory: relay rewound; every event from position ${position} on is published again in commit order \\(checkpoint now position \\d+, transaction \\d+; consumers drop repeats\\)\\.\\n$`));

    const nowhere = await ops(['rewind', 'inventory', '--from', '999999999']);
    expect(nowhere.code).toBe(1);
    expect(stderrLines(nowhere)).toEqual(['inventory answered 400 to POST /ops/relay/rewind: no event at position 999999999']);
  });

  it('an unreachable service, a refused token and a usage error each end non-zero with one clear line', async () => {
    const port = await closedPort();
    const down = await ops(['trace', requestId, '--url', `inventory=http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(stderrLines(down)).toEqual([`inventory unreachable at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);

    const notDcc = await ops(['history', 'inventory', `device-${DEVICE}`], supplier);
    expect(notDcc.code).toBe(1);
    expect(stderrLines(notDcc)).toEqual(['inventory refused the token: requires party type dcc; caller is supplier']);

    const forged = await ops(['lag', 'intake'], 'not-a-token');
    expect(forged.code).toBe(1);
    expect(stderrLines(forged)).toEqual([expect.stringMatching(/^intake refused the token: .+/)]);

    const noToken = await ops(['lag'], null);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr.split('\n')[0]).toBe('ops: no token: pass --token or set SMI_TOKEN (mint one with npm run token, below)');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
