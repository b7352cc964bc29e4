import { waitFor } from '@smi/testing';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESME_DETAILS, InventoryClient, PARTIES, senderOf } from './support/inventory';
import { TestKafka, TopicReader } from './support/kafka';
import { call, ServiceName, TestSystem } from './support/system';

const OBSERVABILITY = join(__dirname, '..', 'infra', 'observability');
const FIXTURES = join(__dirname, '..', 'services', 'intake', 'test', 'fixtures');

/** Runs promtool, failing with what to install when it is missing rather than with a bare ENOENT. */
function promtool(args: string[], options: { cwd?: string; input?: string } = {}): { status: number; output: string } {
  const run = spawnSync('promtool', args, { cwd: options.cwd ?? OBSERVABILITY, input: options.input, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error("promtool is missing: install Debian's `prometheus` package (apt-get install prometheus; .ci/run does when promtool is not on the PATH)");
  }
  if (run.error) throw run.error;
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a scrape in Prometheus's text format (comments left out). */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The one sample of `name` whose labels include `labels`; fails naming what there was instead. */
function sample(all: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}; present: ${JSON.stringify(all.filter((s) => s.name === name))}`);
  }
  return found[0].value;
}

describe('observability: the alert rules and dashboard configuration pass promtool', () => {
  it('prometheus.yml, alerts.yml and the alert unit tests pass promtool check config, check rules and test rules', () => {
    // check config also opens the token file; the real one is a secret and not in the repository.
    const dir = mkdtempSync(join(tmpdir(), 'smi-observability-'));
    try {
      for (const file of ['prometheus.yml', 'alerts.yml']) copyFileSync(join(OBSERVABILITY, file), join(dir, file));
      writeFileSync(join(dir, 'dcc-token'), 'not-a-real-token\n');
      const config = promtool(['check', 'config', 'prometheus.yml'], { cwd: dir });
      expect(config).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const rules = promtool(['check', 'rules', 'alerts.yml']);
    expect(rules).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    const tests = promtool(['test', 'rules', 'alerts.test.yml']);
    expect(tests).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('the Grafana dashboard queries only metrics the services expose', () => {
    const dashboard = JSON.parse(readFileSync(join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    expect(exprs.length).toBeGreaterThan(15);
    const names = exprs.flatMap((expr) => [...expr.matchAll(/\b(?:http_server|outbox_relay|kafka_consumer|inventory|intake|verification|publication|webhook)_[a-z_]+/g)].map((m) => m[0]));
    const unknown = names.filter((name) => !EXPOSED_FAMILIES.some((family) => name === family || ['_bucket', '_count', '_sum'].some((suffix) => name === family + suffix)));
    expect(unknown).toEqual([]);
  });
});

/** Every family the services expose, as the scrape below finds them (histograms and counters by their base name). */
const EXPOSED_FAMILIES = [
  'http_server_request_duration_seconds',
  'outbox_relay_backlog_events',
  'outbox_relay_published_events_total',
  'outbox_relay_active',
  'kafka_consumer_lag_messages',
  'kafka_consumer_processed_messages_total',
  'kafka_consumer_dead_letters_total',
  'kafka_consumer_dead_letters_held',
  'inventory_service_requests_answered_total',
  'intake_submission_rows_total',
  'intake_data_requests',
  'verification_cases',
  'verification_open_cases_by_age',
  'verification_open_case_oldest_age_workdays',
  'verification_party_waits',
  'verification_party_responses_overdue',
  'publication_next_release_late_from_timestamp_seconds',
  'publication_releases_due_unreleased',
  'webhook_deliveries',
];

describe('observability: GET /metrics on the running services after real work', () => {
  const system = new TestSystem();
  const inventory = new InventoryClient(system);
  const kafka = new TestKafka();
  const topic = (base: string) => `${system.topicPrefix}.${base}`;
  let dcc: string;
  let responses: TopicReader;
  let requestsDlq: TopicReader;
  const scraped = new Map<ServiceName, string>();
  let unreleasedDues: number;

  async function scrape(name: ServiceName): Promise<string> {
    const response = await fetch(`${system.url(name)}/metrics`, { headers: { authorization: `Bearer ${dcc}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return response.text();
  }

  beforeAll(async () => {
    // A release cycle from 2026-Q1: by now its release is overdue, so the release gauge has a value to show.
    await system.start(['intake', 'verification', 'publication', 'inventory'], { PUBLICATION_RELEASES_FROM: '2026-Q1' });
    dcc = await system.token({ sub: 'prometheus', party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    [responses, requestsDlq] = await Promise.all([kafka.read(topic('inventory.service-responses')), kafka.read(topic('inventory.service-requests.dlq'))]);

    // inventory: SRs over HTTP (an I0 and an E19) and over Kafka (an I0, a malformed one, and one that is not JSON).
    const ESME = '00-DB-12-34-56-78-E1-A1';
    expect((await inventory.preNotify('supplierA', ESME)).status).toBe(200);
    expect((await inventory.update('supplierA', '00-DB-12-34-56-78-E1-FF', { esmeVariant: 'B' })).status).toBe(404);
    const viaKafka = `${PARTIES.supplierA.sub}:00-DB-12-34-56-78-E1-A2:9001`;
    const produce = (key: string, value: string) => kafka.produce(topic('inventory.service-requests'), [{ key, value }]);
    await produce('00-DB-12-34-56-78-E1-A2', JSON.stringify({ serviceReference: '12.2', requestId: viaKafka, deviceId: '00-DB-12-34-56-78-E1-A2', ...ESME_DETAILS, sender: senderOf('supplierA') }));
    await produce('bad', JSON.stringify({ serviceReference: '8.4', requestId: 'malformed-1', deviceId: 'not-a-device', sender: senderOf('supplierA') }));
    await produce('worse', 'this is not JSON');
    await responses.waitForKey(viaKafka);
    await responses.waitForKey('malformed-1');
    await requestsDlq.waitFor(() => true);

    // intake: a manufacturer's file of 6 new items; verification opens a case for each from intake.events.
    const intake = system.url('intake');
    const party = { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] };
    expect((await call('POST', `${intake}/parties`, dcc, party)).status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob([readFileSync(join(FIXTURES, 'manufacturer-initial.csv'))]), 'manufacturer-initial.csv');
    const northwind = await system.token({ party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    const upload = await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${northwind}` }, body: form });
    expect(upload.status).toBe(201);
    await waitFor(
      async () => ((await call('GET', `${system.url('verification')}/cases/stats`, dcc)).body as { total: number }).total === 6,
      60_000,
      "verification's dashboard to count the 6 cases",
    );
    // Everything stored has been published, so the backlog the scrape reports should be 0.
    for (const name of ['intake', 'inventory'] as const) {
      await waitFor(async () => ((await call('GET', `${system.url(name)}/ops/relay`, dcc)).body as { backlog: number }).backlog === 0, 60_000, `${name}'s relay to catch up`);
    }
    // Which quarters the start-up check found due depends on today's date; the gauge must agree with the list.
    const releases = (await call('GET', `${system.url('publication')}/releases`, dcc)).body as { due: Array<{ releasedAs: number | null }> };
    unreleasedDues = releases.due.filter((due) => due.releasedAs === null).length;
    for (const name of ['intake', 'verification', 'publication', 'inventory'] as const) scraped.set(name, await scrape(name));
  });

  afterAll(async () => {
    await kafka.close();
    await system.stop();
  });

  it('refuses a scrape without a token (401) and from a party other than DCC (403)', async () => {
    for (const name of ['intake', 'verification', 'publication', 'inventory'] as const) {
      expect((await fetch(`${system.url(name)}/metrics`)).status).toBe(401);
      expect((await fetch(`${system.url(name)}/metrics`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
    }
    const supplier = await system.token({ party: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] });
    expect((await fetch(`${system.url('inventory')}/metrics`, { headers: { authorization: `Bearer ${supplier}` } })).status).toBe(403);
  });

  it('every scrape passes promtool check metrics', () => {
    const results: Array<{ name: string; status: number; output: string }> = [];
    for (const [name, text] of scraped) {
      const checked = promtool(['check', 'metrics'], { input: text });
      results.push({ name, ...checked });
    }
    expect(results).toEqual([...scraped.keys()].map((name) => ({ name, status: 0, output: '' })));
  });

  it('inventory: SR answers by type, code and channel; HTTP durations by route template; relay, lag and dead letters', () => {
    const text = scraped.get('inventory')!;
    const all = samples(text);
    const answered = 'inventory_service_requests_answered_total';
    expect(sample(all, answered, { sr_type: '12.2', response_code: 'I0', channel: 'http' })).toBe(1);
    expect(sample(all, answered, { sr_type: '8.4', response_code: 'E19', channel: 'http' })).toBe(1);
    expect(sample(all, answered, { sr_type: '12.2', response_code: 'I0', channel: 'kafka' })).toBe(1);
    expect(sample(all, answered, { sr_type: '8.4', response_code: 'MALFORMED', channel: 'kafka' })).toBe(1);

    const count = 'http_server_request_duration_seconds_count';
    expect(sample(all, count, { route: '/service-requests/12.2', method: 'POST', status_code: '200' })).toBe(1);
    expect(sample(all, count, { route: '/service-requests/8.4', method: 'POST', status_code: '404' })).toBe(1);
    expect(sample(all, count, { route: '/ops/relay', method: 'GET', status_code: '200' })).toBeGreaterThanOrEqual(1);
    const sum = sample(all, 'http_server_request_duration_seconds_sum', { route: '/service-requests/12.2', method: 'POST', status_code: '200' });
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(30);
    // No device id, RequestID, user or party in any label.
    for (const raw of ['00-DB-12-34', PARTIES.supplierA.sub, 'SUPPLIER-A', 'malformed-1']) expect(text).not.toContain(raw);

    expect(sample(all, 'outbox_relay_backlog_events')).toBe(0);
    expect(sample(all, 'outbox_relay_active')).toBe(1);
    // Events of the SR12.2s (device and answer, over HTTP and Kafka) and the E19's answer.
    expect(sample(all, 'outbox_relay_published_events_total')).toBeGreaterThanOrEqual(5);

    const lag = all.filter((s) => s.name === 'kafka_consumer_lag_messages' && s.labels.consumer === 'inventory.service-requests');
    expect(lag.map((s) => s.labels.partition).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(lag.every((s) => s.labels.topic === topic('inventory.service-requests') && s.value === 0)).toBe(true);
    expect(all.some((s) => s.name === 'kafka_consumer_lag_messages' && s.labels.consumer === 'inventory.device-reports')).toBe(true);
    expect(sample(all, 'kafka_consumer_processed_messages_total', { consumer: 'inventory.service-requests' })).toBe(2);
    expect(sample(all, 'kafka_consumer_dead_letters_total', { consumer: 'inventory.service-requests' })).toBe(1);
    expect(sample(all, 'kafka_consumer_dead_letters_held', { consumer: 'inventory.service-requests', topic: topic('inventory.service-requests') })).toBe(1);
    expect(sample(all, 'kafka_consumer_dead_letters_held', { consumer: 'inventory.device-reports', topic: topic('inventory.device-reports') })).toBe(0);
  });

  it('intake: the rows of the recorded file and data requests by status', () => {
    const all = samples(scraped.get('intake')!);
    expect(sample(all, 'intake_submission_rows_total', { outcome: 'accepted' })).toBe(6);
    expect(sample(all, 'intake_submission_rows_total', { outcome: 'rejected' })).toBe(0);
    expect(sample(all, 'http_server_request_duration_seconds_count', { route: '/submissions', method: 'POST', status_code: '201' })).toBe(1);
    for (const status of ['open', 'fulfilled', 'overdue']) expect(sample(all, 'intake_data_requests', { status })).toBe(0);
    expect(sample(all, 'outbox_relay_backlog_events')).toBe(0);
    expect(sample(all, 'outbox_relay_published_events_total')).toBeGreaterThanOrEqual(7);
    // Nobody subscribed: the webhook deliveries are there, at 0, for the WebhookDeliveriesDead alert to watch.
    for (const status of ['pending', 'dead']) expect(sample(all, 'webhook_deliveries', { status })).toBe(0);
  });

  it("verification: the 6 new cases queued, young, and no wait overdue; its consumer's lag", () => {
    const all = samples(scraped.get('verification')!);
    expect(sample(all, 'verification_cases', { state: 'queued' })).toBe(6);
    expect(sample(all, 'verification_cases', { state: 'verified' })).toBe(0);
    expect(sample(all, 'verification_open_cases_by_age', { state: 'queued', age_working_days: '0-5' })).toBe(6);
    expect(sample(all, 'verification_open_cases_by_age', { state: 'queued', age_working_days: '16+' })).toBe(0);
    expect(sample(all, 'verification_open_case_oldest_age_workdays', { state: 'queued' })).toBe(0);
    for (const waitingFor of ['information', 'agreement', 'confirmation']) {
      expect(sample(all, 'verification_party_responses_overdue', { waiting_for: waitingFor })).toBe(0);
    }
    expect(all.some((s) => s.name === 'kafka_consumer_lag_messages' && s.labels.topic === topic('intake.events'))).toBe(true);
  });

  it('publication: the next release (2026-Q1, the first of the cycle) is overdue; quarters due and unreleased as GET /releases lists them', () => {
    const all = samples(scraped.get('publication')!);
    // 2026-Q1's release was due on 16 April 2026 (Easter skipped), so late from 17 April, 00:00 BST.
    expect(sample(all, 'publication_next_release_late_from_timestamp_seconds')).toBe(Date.parse('2026-04-16T23:00:00Z') / 1000);
    expect(sample(all, 'publication_releases_due_unreleased')).toBe(unreleasedDues);
  });
});
