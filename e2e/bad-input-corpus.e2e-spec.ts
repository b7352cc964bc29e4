import { PARTY_TYPES, PartyType } from '@smi/auth';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Client } from 'pg';
import { ALWAYS_REFUSED, BadCategory, BadValue, badValues, categoriesFor, examplesOf, RUNS, show } from './support/bad-values';
import { corpusOperations, CorpusField, CorpusOperation, encodeUrlText, operationUrl } from './support/openapi-corpus';
import { call, ServiceName, TestSystem } from './support/system';


/**
 * Bad input the corpus finds taken today, each named by the issue that will fix it. Every entry is checked to
 * still fail: fixing one makes this file fail until its entry is removed, so the list only ever shrinks.
 * `field` is `<path|query|body>:<name>`; `*` stands for any operation or any field of that kind, for a gap
 * with one cause at the edge. `recorded` means the service's event store grew during the run.
 */
const KNOWN_GAPS: ReadonlyArray<{ issue: string; service: ServiceName; operation: string; field: string; category: BadCategory | 'recorded'; now: string }> = [
  // Empty: every gap the corpus found has been fixed. A new one goes here with the issue finding it belongs to.
];

/** Fixed so that a failure reproduces: CORPUS_SEED=<the seed printed> npx jest e2e/bad-input-corpus.e2e-spec.ts */
const SEED = Number(process.env.CORPUS_SEED ?? 20261204);

const SERVICES: ServiceName[] = ['intake', 'verification', 'publication', 'inventory'];

/** The party each party type's token speaks for; all but the DSP are registered on intake first. */
const PARTY_OF: Record<PartyType, string> = {
  dcc: 'DCC',
  supplier: 'SUP-CORPUS',
  manufacturer: 'MFR-CORPUS',
  csp: 'CSP-CORPUS',
  network: 'NET-CORPUS',
  dsp: 'DSP-CORPUS',
  secas: 'SECAS-CORPUS',
};
const REGISTERED_PARTIES = [
  { partyId: 'MFR-CORPUS', name: 'Corpus Meters Ltd', partyType: 'manufacturer', makes: ['Corpus Make'] },
  { partyId: 'MFR-CORPUS-RENAMED', name: 'Renamed Meters Ltd', partyType: 'manufacturer', makes: ['Renamed Make'] },
  { partyId: 'CSP-CORPUS', name: 'Corpus Comms', partyType: 'csp', makes: ['Corpus Hub'] },
  { partyId: 'SUP-CORPUS', name: 'Corpus Energy', partyType: 'supplier', makes: [] },
  { partyId: 'NET-CORPUS', name: 'Corpus Networks', partyType: 'network', makes: [] },
  { partyId: 'SECAS-CORPUS', name: 'Corpus SECAS', partyType: 'secas', makes: [] },
];

/** Every role any endpoint asks for: the DCC token holds them all, so roles never stand between a value and validation. */
const ALL_ROLES = ['registry.admin', 'operator', 'verifier'];

/** Examples in the OpenAPI documents that name parties this file does not register, and the ones it does. */
const EXAMPLE_SUBSTITUTIONS = { 'Northwind Metering': 'Corpus Make', 'MFR-NORTHWIND': 'MFR-CORPUS', 'SUPPLIER-A': 'SUP-CORPUS', 'SUPPLIER-B': 'SUP-CORPUS' };

/** Where the documents' examples alone do not make a request that only the bad field spoils. */
interface Adjustment {
  path?: Record<string, string>;
  query?: Record<string, string>;
  /** Fields that exclude each other: the one kept in a plausible body, dropped when a sibling is under test. */
  alternatives?: { keep: string; among: string[] };
  /** A file to upload with an upload operation's bad query or path (a dry run where there is one). */
  upload?: { contentType: string; content: string };
  /** Values that must differ on each request, so that an accepted request is recorded rather than refused as a repeat. */
  fresh?: (n: number) => Record<string, unknown>;
}
const ADJUSTMENTS: Record<string, Adjustment> = {
  'intake PUT /parties/{partyId}': { path: { partyId: 'MFR-CORPUS-RENAMED' } },
  'intake POST /parties': { fresh: (n) => ({ partyId: `MFR-CORPUS-${n}` }) },
  'intake POST /fixes': { alternatives: { keep: 'device', among: ['item', 'reportId', 'device'] } },
  'intake POST /submissions': { query: { dryRun: 'true' }, upload: { contentType: 'text/csv', content: 'a,b\n' } },
};

/** Refusals of a whole body, which cannot name one field: its nesting is measured before it is parsed. */
const WHOLE_BODY_CODES = new Set(['JSON_TOO_DEEP']);

/** A body key under test, rather than a field's value: `{"__proto__": …}` beside the plausible fields. */
const BODY_KEY: CorpusField = { location: 'body', name: '(a key of the body)', shape: 'object' };

const PLACEHOLDER = '\ue000corpus\ue000';

interface Answer {
  status: number;
  text: string;
  json?: { code?: string; message?: unknown; errors?: Array<{ field?: string }> };
}

describe('the bad-input corpus: every field of every operation in the OpenAPI documents', () => {
  const system = new TestSystem();
  const operations = new Map<ServiceName, CorpusOperation[]>();
  const tokenFor = new Map<string, string | undefined>();
  /** The party type of the token each operation is called with, for the report. */
  const callerOf = new Map<string, string>();
  const eventsBefore = new Map<ServiceName, number>();
  let requests = 0;
  const started = Date.now();
  /** Every failure of the run, known or not, and the answers per operation: written to CORPUS_REPORT_FILE (JSON) when set. */
  const allFailures: Array<{ key: string; message: string }> = [];
  const answersPerOperation = new Map<string, Record<number, number>>();

  const eventCount = async (service: ServiceName): Promise<number> => {
    const client = new Client({ connectionString: system.databaseUrl(service) });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    console.log(`bad-input corpus: seed ${SEED} (set CORPUS_SEED to reproduce or vary)`);
    await system.start(SERVICES);
    const registrar = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    for (const party of REGISTERED_PARTIES) {
      const answer = await call('POST', `${system.url('intake')}/parties`, registrar, party);
      if (answer.status !== 201) throw new Error(`registering ${party.partyId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const candidates = [{ token: await system.token({ party: 'DCC', partyType: 'dcc', roles: ALL_ROLES }), caller: 'dcc with every role' }];
    for (const partyType of PARTY_TYPES) candidates.push({ token: await system.token({ party: PARTY_OF[partyType], partyType }), caller: partyType });
    for (const service of SERVICES) {
      const document = await call('GET', `${system.url(service)}/docs/openapi.json`);
      const found = corpusOperations(document.body as Parameters<typeof corpusOperations>[0], EXAMPLE_SUBSTITUTIONS);
      operations.set(service, found);
      for (const operation of found) {
        const allowed = await firstAllowedToken(service, operation, candidates);
        tokenFor.set(`${service} ${operation.label}`, allowed?.token);
        callerOf.set(`${service} ${operation.label}`, allowed?.caller ?? 'nobody');
      }
    }
    for (const service of SERVICES) eventsBefore.set(service, await eventCount(service));
  });

  afterAll(async () => {
    const count = [...operations.values()].reduce((sum, list) => sum + list.length, 0);
    if (process.env.CORPUS_REPORT_FILE) {
      const answers = Object.fromEntries([...answersPerOperation].map(([operation, statuses]) => [`${operation} as ${callerOf.get(operation)}`, statuses]));
      writeFileSync(process.env.CORPUS_REPORT_FILE, JSON.stringify({ seed: SEED, requests, failures: allFailures, answers }, null, 2));
    }
    console.log(`bad-input corpus: ${count} operations, ${requests} requests, ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`);
    await system.stop();
  });

  /**
   * The first token that the operation's guard and handler let through, tried with the operation's plausible
   * path and query, an empty JSON body (which validation refuses) or its dry-run upload.
   */
  async function firstAllowedToken<T extends { token: string }>(service: ServiceName, operation: CorpusOperation, candidates: T[]): Promise<T | undefined> {
    const adjustment = ADJUSTMENTS[`${service} ${operation.label}`] ?? {};
    const url = operationUrl(system.url(service), operation, encodeAll({ ...operation.plausiblePath, ...adjustment.path }), encodeAll({ ...operation.plausibleQuery, ...adjustment.query }));
    const [contentType, body] = operation.body === 'json' ? ['application/json', '{}'] : operation.body === 'upload' && adjustment.upload ? [adjustment.upload.contentType, adjustment.upload.content] : [];
    for (const candidate of candidates) {
      const response = await fetch(url, {
        method: operation.method,
        headers: { authorization: `Bearer ${candidate.token}`, ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 403) return candidate;
    }
    return undefined;
  }

  function requestFor(service: ServiceName, operation: CorpusOperation, field: CorpusField, bad: BadValue, n: number) {
    const adjustment = ADJUSTMENTS[`${service} ${operation.label}`] ?? {};
    const path = encodeAll({ ...operation.plausiblePath, ...adjustment.path });
    const query = encodeAll({ ...operation.plausibleQuery, ...adjustment.query });
    if (field.location === 'path') path[field.name] = encodeUrlText(bad.text!);
    if (field.location === 'query') query[field.name] = encodeUrlText(bad.text!);
    let body: string | undefined;
    let contentType: string | undefined;
    if (operation.body === 'json') {
      contentType = 'application/json';
      body = bodyWith(operation, adjustment, field, bad, n);
    } else if (operation.body === 'upload' && adjustment.upload) {
      contentType = adjustment.upload.contentType;
      body = adjustment.upload.content;
    }
    return { url: operationUrl(system.url(service), operation, path, query), body, contentType };
  }

  async function send(service: ServiceName, operation: CorpusOperation, field: CorpusField, bad: BadValue, n: number): Promise<Answer> {
    const { url, body, contentType } = requestFor(service, operation, field, bad, n);
    const token = tokenFor.get(`${service} ${operation.label}`);
    const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) };
    requests += 1;
    if (url.length > LONGEST_URL_FETCH_READS) return answerOf(await rawExchange(operation.method, url, headers, body));
    try {
      const response = await fetch(url, {
        method: operation.method,
        headers,
        body: body === undefined ? undefined : Buffer.from(body, 'utf8'),
        signal: AbortSignal.timeout(60_000),
      });
      return answerOf({ status: response.status, text: await response.text() });
    } catch (error) {
      return { status: 0, text: `no answer: ${(error as Error).message} (${String((error as Error).cause ?? '')})` };
    }
  }

  /** What is wrong with an answer to one bad value, or undefined when it is what the edge and validation promise. */
  function problemWith(operation: CorpusOperation, field: CorpusField, bad: BadValue, answer: Answer): string | undefined {
    if (answer.status === 0 || answer.status >= 500) return `answered ${answer.status || 'nothing'}`;
    if (answer.status < 400) {
      if (ALWAYS_REFUSED.has(bad.category) || operation.method !== 'GET') return `accepted it (${answer.status})`;
      return undefined;
    }
    if (answer.status !== 400 || WHOLE_BODY_CODES.has(answer.json?.code ?? '')) return undefined;
    const name = field === BODY_KEY ? /"([^"]+)"/.exec(bad.json)![1] : field.name;
    // The field itself, a part of it, or the array or object that holds it (`makes` for `makes.0`).
    const named = (answer.json?.errors ?? []).some(
      (error) => typeof error.field === 'string' && (error.field === name || error.field.startsWith(`${name}.`) || name.startsWith(`${error.field}.`)),
    );
    if (named || String(answer.json?.message ?? '').includes(name)) return undefined;
    return `answered 400 without naming ${name}`;
  }

  async function runService(service: ServiceName): Promise<{ failures: Map<string, string> }> {
    const failures = new Map<string, string>();
    for (const operation of operations.get(service)!) {
      const fields = operation.body === 'json' ? [...operation.fields, BODY_KEY] : operation.fields;
      for (const field of fields) {
        for (const category of field === BODY_KEY ? (['prototype'] as const) : categoriesFor(field)) {
          const key = gapKey({ service, operation: operation.label, field: `${field.location}:${field.name}`, category });
          const seed = checkSeed(key);
          let failure: string | undefined;
          let n = 0;
          await fc.check(
            fc.asyncProperty(badValues(category), async (bad) => {
              n += 1;
              const answer = await send(service, operation, field, bad, n);
              const statuses = answersPerOperation.get(`${service} ${operation.label}`) ?? {};
              statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
              answersPerOperation.set(`${service} ${operation.label}`, statuses);
              const problem = problemWith(operation, field, bad, answer);
              if (problem) {
                failure =
                  `[seed ${SEED}, check seed ${seed}] ${service} ${operation.label}, ${field.location} ${field.name} = ${bad.shown} (${category}): ` +
                  `${problem}; answer ${show(answer.text, 300)}` +
                  (answer.status >= 500 ? `; the service logged ${show(system.logs(service).slice(-1500), 1500)}` : '');
                throw new Error(failure);
              }
            }),
            { seed, numRuns: RUNS[category], examples: examplesOf(category).map((value) => [value]), endOnFailure: true },
          );
          if (failure) {
            failures.set(key, failure);
            allFailures.push({ key, message: failure });
          }
        }
      }
    }
    return { failures };
  }

  it.each(SERVICES)('%s refuses every bad value with a 4xx that names the field', async (service) => {
    const unauthorised = operations.get(service)!.filter((operation) => !tokenFor.get(`${service} ${operation.label}`));
    expect(unauthorised.map((operation) => `${operation.label}: no token passes its authorization`)).toEqual([]);
    const { failures } = await runService(service);
    const gaps = KNOWN_GAPS.filter((gap) => gap.service === service && gap.category !== 'recorded');
    const unexpected = [...failures].filter(([key]) => !gaps.some((gap) => matches(gap, key))).map(([, message]) => message);
    const fixed = gaps.filter((gap) => ![...failures.keys()].some((key) => matches(gap, key))).map((gap) => `${gapKey(gap)}: refused as it should be now; remove it from KNOWN_GAPS`);
    expect([...unexpected, ...fixed]).toEqual([]);
  });

  it('records nothing: every service has as many events as before the corpus', async () => {
    const grown: string[] = [];
    for (const service of SERVICES) {
      const after = await eventCount(service);
      const knownToGrow = KNOWN_GAPS.some((gap) => gap.service === service && gap.category === 'recorded');
      if ((after !== eventsBefore.get(service)) !== knownToGrow) {
        grown.push(knownToGrow ? `${service}: nothing recorded now; remove its 'recorded' entry from KNOWN_GAPS` : `${service}: ${eventsBefore.get(service)} events before, ${after} after`);
      }
    }
    expect(grown).toEqual([]);
  });
});

type KnownGap = (typeof KNOWN_GAPS)[number];

function gapKey(gap: Pick<KnownGap, 'service' | 'operation' | 'field' | 'category'>): string {
  return `${gap.service} | ${gap.operation} | ${gap.field} | ${gap.category}`;
}

/** Whether a known gap covers a failure: its parts equal, or `*` for any operation, `path:*` for any path id. */
function matches(gap: KnownGap, key: string): boolean {
  const parts = key.split(' | ');
  return gapKey(gap)
    .split(' | ')
    .every((pattern, i) => pattern === parts[i] || (pattern.endsWith('*') && parts[i].startsWith(pattern.slice(0, -1))) || (pattern === 'url:*' && /^(path|query):/.test(parts[i])));
}

function answerOf({ status, text }: { status: number; text: string }): Answer {
  try {
    return { status, text, json: JSON.parse(text) };
  } catch {
    return { status, text }; // not JSON: the text is the answer
  }
}

/**
 * URLs longer than this go over a plain socket. A server refuses a URL past its header limit (16 KiB in
 * Node.js) with a 431 and closes the connection at once, while the client is still writing; fetch then
 * reports the reset and loses the answer, sometimes. The socket reads what the server wrote, every time.
 */
const LONGEST_URL_FETCH_READS = 16 * 1024;

function rawExchange(method: string, url: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname, search } = new URL(url);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8');
  const head = [`${method} ${pathname}${search} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close', `content-length: ${payload.length}`]
    .concat(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))
    .join('\r\n');
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    socket.setTimeout(60_000, () => socket.destroy());
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined); // the server may cut the connection while we write: what it wrote counts
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text: status ? text.slice(text.indexOf('\r\n\r\n') + 4) : `no answer: the connection closed after ${text.length} bytes` });
    });
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), payload]));
  });
}

function encodeAll(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, encodeUrlText(value)]));
}

/** One seed per field and kind, derived from the run's seed: adding an endpoint changes no other field's values. */
function checkSeed(key: string): number {
  return createHash('sha256').update(`${SEED}:${key}`).digest().readInt32BE(0);
}

/** The plausible body with the field under test made bad, written as JSON text (bad values may not be JSON.stringify's). */
function bodyWith(operation: CorpusOperation, adjustment: Adjustment, field: CorpusField, bad: BadValue, n: number): string {
  const body: Record<string, unknown> = { ...operation.plausibleBody, ...adjustment.fresh?.(n) };
  const [top, inner] = field.name.split('.');
  if (adjustment.alternatives) {
    const { keep, among } = adjustment.alternatives;
    const chosen = among.includes(top) ? top : keep;
    for (const other of among) if (other !== chosen) delete body[other];
    if (!(chosen in body)) body[chosen] = operation.completeBody[chosen];
  }
  if (field === BODY_KEY) return JSON.stringify(body).replace(/^\{/, `{${bad.json.slice(1, -1)}${Object.keys(body).length ? ',' : ''}`);
  if (inner === undefined) body[top] = PLACEHOLDER;
  else if (inner === '0') body[top] = [PLACEHOLDER];
  else body[top] = { ...(operation.completeBody[top] as object), [inner]: PLACEHOLDER };
  return JSON.stringify(body).replace(JSON.stringify(PLACEHOLDER), () => bad.json);
}
