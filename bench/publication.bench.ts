// The searchable defects database at the scale of the SMI: the compiled publication service as its own process on
// a fresh database and topic prefix. A catalogue and 1,000,000 items (about 30 % published) are appended to its
// event store as its verification feed would have copied them; then, timed: the projections catching up, a slice
// of items through Kafka end to end, search with 32 clients, and (where built) the DMC check and the full edition's
// CSV and XLSX export. `npm run bench -- publication [options]`; see README.md.
import { mintLocalToken } from '@smi/auth';
import { CommonSettings, loadConfig } from '@smi/config';
import { eventSchemaErrors, type CaseActor, type DeviceType, type ItemSource, type PublishedItemData } from '@smi/contracts';
import { NO_STREAM, PostgresEventStore, type AppendRequest, type NewEvent } from '@smi/event-store';
import { Kafka, logLevel } from 'kafkajs';
import { createHash, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { fmt, percentile } from './support/measure';
import { BENCH_APPLICATION_NAME, CpuMeter, PeakMemory, perUnit } from './support/process-meters';
import {
  brokers,
  buildServices,
  databaseUrlFor,
  deleteTopics,
  dropDatabaseAndTopics,
  memoryKb,
  migrateService,
  runId,
  serviceEnv,
  startService,
  stopService,
  type ServiceProcess,
} from './support/system-under-test';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    published: { type: 'string', default: '0.3' },
    // Items sent through Kafka after the catch-up: verification.events → feed consumer → store → projections.
    'feed-items': { type: 'string', default: '20000' },
    clients: { type: 'string', default: '32' },
    'search-seconds': { type: 'string', default: '30' },
    'dcc-search-seconds': { type: 'string', default: '10' },
    'dmc-calls': { type: 'string', default: '300' },
    // Which timed parts run after the catch-up: feed (the Kafka slice), search, dmc, export.
    phases: { type: 'string', default: 'feed,search,dmc,export' },
    // Settings for the service, repeatable, e.g. --env NODE_OPTIONS=--cpu-prof (a profile of the whole run).
    env: { type: 'string', multiple: true, default: [] },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Diagnosis: a database kept by an earlier run (--keep) with the same --items and --feed-items; no seed, no
    // catch-up, no feed: only search, DMC check and export are measured.
    database: { type: 'string' },
  },
});
const ITEMS = Number(args.items);
const PUBLISHED_SHARE = Number(args.published);
/** Of the items not published, this share is verified without a fix (ItemVerified, never publishable); the rest wait in the queue. */
const VERIFIED_UNFIXED_SHARE = 0.5;
const FEED_ITEMS = Number(args['feed-items']);
const CLIENTS = Number(args.clients);
const SEARCH_SECONDS = Number(args['search-seconds']);
const DCC_SEARCH_SECONDS = Number(args['dcc-search-seconds']);
const DMC_CALLS = Number(args['dmc-calls']);
const PHASES = new Set(args.phases.split(','));
const SERVICE_ENV = Object.fromEntries(args.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const WARM_UP_SECONDS = 3;
for (const [name, value] of Object.entries({ ITEMS, FEED_ITEMS, CLIENTS, SEARCH_SECONDS, DCC_SEARCH_SECONDS, DMC_CALLS })) {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
}
if (!(PUBLISHED_SHARE > 0 && PUBLISHED_SHARE < 1)) throw new Error('--published must be a share between 0 and 1');

const TARGETS = { catchUpPerSecond: 10_000, searchP99Ms: 25, searchesPerSecond: 2_000, exportSeconds: 60, exportRssMb: 300 };

const databaseName = args.database ?? `bench_publication_${runId}`.toLowerCase();
const topicPrefix = `bench_pub_${runId}`;
const settings = loadConfig(CommonSettings, {});

// ---------------------------------------------------------------------------------------------------
// Deterministic choices: item i's every attribute is a function of i, so a million items need no memory.
// ---------------------------------------------------------------------------------------------------

/** A number in [0, 1) for (i, k): a 32-bit integer hash (murmur3's finaliser), the same on every run. */
function chance(i: number, k: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A UUID derived from a name, as verification derives case ids (version 8, from SHA-256). */
function uuidFrom(name: string): string {
  const bytes = createHash('sha256').update(`bench-publication\u0000${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');

// ---------------------------------------------------------------------------------------------------
// The catalogue: 24 makes (meters, communications hubs, in-home displays), 10–40 models each, most with aliases;
// some makes renamed (the old name stays an alias), aliases added later. Each make has its own firmware line of
// 60 versions; a model carries 20 consecutive ones of its make's line, so a firmware version names items of
// several models of a make (a search by firmware alone finds them all).
// ---------------------------------------------------------------------------------------------------

type Family = 'meter' | 'hub' | 'display';

interface Make {
  makeId: string;
  name: string;
  /** Every other spelling a reader may use: aliases, the previous name, a later alias. */
  otherSpellings: string[];
  aliases: string[];
  previousName: string | null;
  laterAlias: string | null;
  manufacturerId: string;
  providerPartyId: string;
  providerPartyType: 'manufacturer' | 'csp';
  source: ItemSource;
  models: Model[];
}

interface Model {
  index: number;
  make: Make;
  modelId: string;
  name: string;
  aliases: string[];
  laterAlias: string | null;
  otherSpellings: string[];
  smiModelId: string;
  deviceType: DeviceType;
  firmware: string[];
}

const WORDS = ['Northwind', 'Harbourside', 'Albion', 'Pennine', 'Severn', 'Thames', 'Cotswold', 'Lakeland', 'Brunel', 'Caledon', 'Mersey', 'Solent'];
const WORDS_HUB = ['Wessex', 'Humber', 'Fenland', 'Chiltern'];
const WORDS_DISPLAY = ['Kestrel', 'Orwell', 'Tamar', 'Clyde', 'Avonmore', 'Cheviot', 'Mendip', 'Wrekin'];
const FAMILY_TYPES: Record<Family, Array<[DeviceType, number]>> = {
  meter: [
    ['ESME', 0.65],
    ['GSME', 1],
  ],
  hub: [
    ['CHF', 0.6],
    ['GPF', 1],
  ],
  display: [
    ['IHD', 0.5],
    ['PPMID', 0.85],
    ['CAD', 1],
  ],
};
const TYPE_LETTER: Partial<Record<DeviceType, string>> = { ESME: 'E', GSME: 'G', CHF: 'H', GPF: 'F', IHD: 'D', PPMID: 'P', CAD: 'C' };
const SUFFIX: Record<Family, string> = { meter: 'Metering', hub: 'Communications', display: 'Displays' };
const FIRMWARE_PER_MAKE = 60;
const FIRMWARE_PER_MODEL = 20;

function buildCatalogue(): { makes: Make[]; models: Model[] } {
  const families: Array<[string, Family]> = [...WORDS.map((w) => [w, 'meter'] as [string, Family]), ...WORDS_HUB.map((w) => [w, 'hub'] as [string, Family]), ...WORDS_DISPLAY.map((w) => [w, 'display'] as [string, Family])];
  const makes: Make[] = [];
  const models: Model[] = [];
  families.forEach(([word, family], k) => {
    const name = `${word} ${SUFFIX[family]}`;
    const short = `${word.slice(0, 3).toUpperCase()}${SUFFIX[family][0]}`;
    const aliases = [`${name} Ltd`, short, ...(k % 4 === 0 ? [word] : [])];
    const previousName = k % 6 === 5 ? `${word}-${SUFFIX[family]} UK` : null;
    const laterAlias = k % 3 === 1 ? `${name} (UK)` : null;
    const manufacturerId = hex(0x1000 + 0x137 * k, 4);
    const csp = family === 'hub';
    const make: Make = {
      makeId: uuidFrom(`make-${k}`),
      name,
      aliases,
      previousName,
      laterAlias,
      otherSpellings: [...aliases, ...(previousName ? [previousName] : []), ...(laterAlias ? [laterAlias] : [])],
      manufacturerId,
      providerPartyId: `${csp ? 'CSP' : 'MFR'}-${word.toUpperCase()}`,
      providerPartyType: csp ? 'csp' : 'manufacturer',
      source: csp ? 'CSP' : 'Device Manufacturer',
      models: [],
    };
    const line = Array.from({ length: FIRMWARE_PER_MAKE }, (_, v) => `${manufacturerId}${hex(0x0100 + v * 3, 4)}`);
    const prefix = word.slice(0, 2).toUpperCase();
    const count = 10 + ((k * 7) % 31);
    for (let j = 0; j < count; j++) {
      const u = chance(k, 1000 + j);
      const deviceType = FAMILY_TYPES[family].find(([, upTo]) => u < upTo)![0];
      const number = 100 + j * 7 + (k % 5);
      const modelName = `${prefix}-${TYPE_LETTER[deviceType]}${number}`;
      const modelAliases = [...(j % 2 === 0 ? [`${prefix}${TYPE_LETTER[deviceType]}${number}`] : []), ...(j % 5 === 0 ? [`${word} ${TYPE_LETTER[deviceType]}${number}`] : [])];
      const modelLaterAlias = j % 7 === 3 ? `${prefix} ${TYPE_LETTER[deviceType]}-${number}` : null;
      const start = (j * 3) % (FIRMWARE_PER_MAKE - FIRMWARE_PER_MODEL);
      const model: Model = {
        index: models.length,
        make,
        modelId: uuidFrom(`model-${k}-${j}`),
        name: modelName,
        aliases: modelAliases,
        laterAlias: modelLaterAlias,
        otherSpellings: [...modelAliases, ...(modelLaterAlias ? [modelLaterAlias] : [])],
        smiModelId: hex(0x00010000 + k * 256 + j, 8),
        deviceType,
        firmware: line.slice(start, start + FIRMWARE_PER_MODEL),
      };
      make.models.push(model);
      models.push(model);
    }
    makes.push(make);
  });
  return { makes, models };
}

const { makes: MAKES, models: MODELS } = buildCatalogue();

/** Popular models have many more items than rare ones (weights 1/rank^0.7, ranks shuffled across makes). */
const MODEL_CUMULATIVE: Float64Array = (() => {
  const ranks = MODELS.map((m) => ({ m, key: chance(m.index, 77) })).sort((a, b) => a.key - b.key);
  const weights = new Float64Array(MODELS.length);
  ranks.forEach(({ m }, rank) => (weights[m.index] = 1 / (rank + 1) ** 0.7));
  const cumulative = new Float64Array(MODELS.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = sum += weights[i];
  for (let i = 0; i < cumulative.length; i++) cumulative[i] /= sum;
  return cumulative;
})();

function pickModel(u: number): Model {
  let lo = 0;
  let hi = MODEL_CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (MODEL_CUMULATIVE[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return MODELS[lo];
}

// ---------------------------------------------------------------------------------------------------
// Verification's events, as verification publishes them on verification.events
// ---------------------------------------------------------------------------------------------------

const VERIFIER: CaseActor = { userId: 'dcc-verifier-1', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };
const SYSTEM: CaseActor = { userId: 'verification-service', partyId: 'DCC', partyType: 'dcc', roles: [] };

interface VerificationEvent {
  /** Verification's stream: `case-<caseId>` or `catalogue-make-<makeId>`. */
  streamId: string;
  streamVersion: number;
  type: string;
  data: object;
  eventId: string;
  correlationId: string;
  actor: CaseActor;
  at: string;
}

/** Verification's global position, as its relay writes it in `event_position`. */
let verificationPosition = 0;

function event(streamId: string, streamVersion: number, type: string, data: object, correlationId: string, actor: CaseActor, at: string): VerificationEvent {
  return { streamId, streamVersion, type, data, eventId: randomUUID(), correlationId, actor, at };
}

const BASE_TIME = Date.parse('2026-01-05T09:00:00.000Z');
const instant = (minutes: number) => new Date(BASE_TIME + minutes * 60_000).toISOString();

function catalogueEvents(): VerificationEvent[] {
  const events: VerificationEvent[] = [];
  MAKES.forEach((make, k) => {
    const stream = `catalogue-make-${make.makeId}`;
    let version = 0;
    const add = (type: string, data: object, at: string) => events.push(event(stream, ++version, type, data, `catalogue-${make.makeId}-${version}`, VERIFIER, at));
    add('MakeAdded', { makeId: make.makeId, name: make.previousName ?? make.name, aliases: make.aliases, manufacturerId: make.manufacturerId, addedAt: instant(k) }, instant(k));
    for (const model of make.models) {
      add('ModelAdded', { makeId: make.makeId, modelId: model.modelId, name: model.name, aliases: model.aliases, smiModelId: model.smiModelId, addedAt: instant(k) }, instant(k));
    }
    if (make.previousName) {
      add('MakeChanged', { makeId: make.makeId, name: make.name, manufacturerId: make.manufacturerId, previous: { name: make.previousName, manufacturerId: make.manufacturerId }, changedAt: instant(100 + k) }, instant(100 + k));
    }
    if (make.laterAlias) add('MakeAliasAdded', { makeId: make.makeId, alias: make.laterAlias, addedAt: instant(200 + k) }, instant(200 + k));
    for (const model of make.models) {
      if (model.laterAlias) add('ModelAliasAdded', { makeId: make.makeId, modelId: model.modelId, alias: model.laterAlias, addedAt: instant(300 + k) }, instant(300 + k));
    }
  });
  return events;
}

type ItemClass = 'published' | 'verified-unfixed' | 'queued';

interface Item {
  i: number;
  caseId: string;
  model: Model;
  firmwareIndex: number;
  itemClass: ItemClass;
}

function itemClass(i: number): ItemClass {
  const u = chance(i, 3);
  if (u < PUBLISHED_SHARE) return 'published';
  return u < PUBLISHED_SHARE + (1 - PUBLISHED_SHARE) * VERIFIED_UNFIXED_SHARE ? 'verified-unfixed' : 'queued';
}

/** Item i: its model (popular ones more often), its firmware (older versions of the model more often), its class. */
function item(i: number): Item {
  const model = pickModel(chance(i, 1));
  const u = chance(i, 2);
  return { i, caseId: uuidFrom(`case-${i}`), model, firmwareIndex: Math.floor(FIRMWARE_PER_MODEL * u * u), itemClass: itemClass(i) };
}

const SYMPTOMS = [
  'Display freezes after a tariff change and needs a power cycle',
  'Prepayment credit is not shown after a top-up is applied',
  'Half-hourly readings are missing after a daylight saving change',
  'The device stops joining the HAN after a firmware image is activated',
  'Load limiting disconnects the supply below the configured threshold',
  'Alerts are raised twice for one event after a communications hub reboot',
];

/** The provider's row as submitted (intake's fields), with the spelling the provider used. */
function contentOf(it: Item) {
  const { model, i } = it;
  const make = model.make;
  const fixed = it.itemClass === 'published';
  const firmwareVersion = model.firmware[it.firmwareIndex];
  const fixingFirmware = model.firmware[Math.min(FIRMWARE_PER_MODEL - 1, it.firmwareIndex + 1)];
  return {
    identifier: String(i + 1),
    // Most providers write the canonical names; some an alias, which search must still find.
    make: chance(i, 4) < 0.85 ? make.name : make.aliases[i % make.aliases.length],
    model: chance(i, 5) < 0.85 || model.aliases.length === 0 ? model.name : model.aliases[i % model.aliases.length],
    firmwareVersion,
    deviceType: model.deviceType,
    source: make.source,
    statusOfInformation: chance(i, 6) < 0.6 ? ('Defect' as const) : ('Issue' as const),
    dateLastUpdated: instant(i % 400_000).slice(0, 10),
    fixAvailable: fixed,
    fixInformation: fixed ? `${SYMPTOMS[i % SYMPTOMS.length]}. Fixed in firmware ${fixingFirmware}; apply it over the air.` : null,
  };
}

/** The case's events in verification's order: opened (from intake's file), and for a verified item, later, its verification. */
function caseEvents(it: Item): { opened: VerificationEvent; verified: VerificationEvent[] } {
  const { caseId, model } = it;
  const make = model.make;
  const stream = `case-${caseId}`;
  const content = contentOf(it);
  const openedAt = instant(500 + Math.floor(it.i / 50));
  const submissionId = uuidFrom(`submission-${make.providerPartyId}-${Math.floor(it.i / 50_000)}`);
  const accountable = { partyId: make.providerPartyId, partyType: make.providerPartyType };
  const opened = event(
    stream,
    1,
    'CaseOpened',
    {
      caseId,
      actor: SYSTEM,
      correlationId: `intake-${submissionId}`,
      at: openedAt,
      caseKind: 'item',
      subject: { kind: 'item', providerPartyId: make.providerPartyId, submissionId, contentHash: createHash('sha256').update(`${it.i}`).digest('hex'), submittedAt: openedAt, ...content },
      accountable,
      fixReference: 'not-applicable',
    },
    `intake-${submissionId}`,
    SYSTEM,
    openedAt,
  );
  if (it.itemClass === 'queued') return { opened, verified: [] };
  const at = instant(600_000 + Math.floor(it.i / 20));
  const correlationId = `req-${uuidFrom(`verify-${it.i}`)}`;
  const base = { caseId, actor: VERIFIER, correlationId, at };
  const canonical = { makeId: make.makeId, make: make.name, manufacturerId: make.manufacturerId, modelId: model.modelId, model: model.name, smiModelId: model.smiModelId };
  const fix = content.fixAvailable
    ? {
        fixId: null,
        origin: 'submission' as const,
        proposerPartyId: make.providerPartyId,
        fixingFirmwareVersion: null,
        fixInformation: content.fixInformation!,
        confirmation: { via: 'own-submission' as const, partyId: make.providerPartyId, userId: null, note: null, confirmedAt: openedAt },
      }
    : null;
  const published: PublishedItemData = {
    caseId,
    caseKind: 'item',
    identifier: content.identifier,
    canonical,
    submittedMake: content.make,
    submittedModel: content.model,
    firmwareVersion: content.firmwareVersion,
    deviceType: content.deviceType,
    source: content.source,
    statusOfInformation: content.statusOfInformation,
    dateLastUpdated: content.dateLastUpdated,
    fixAvailable: fix !== null,
    fixInformation: fix?.fixInformation ?? null,
    accountable,
    inclusion: 'own-declaration',
    dispute: null,
    fix,
    sources: [{ kind: 'item', caseId, providerPartyId: make.providerPartyId, identifier: content.identifier, source: content.source }],
    verifiedAt: at,
    verifiedBy: VERIFIER.userId,
  };
  // One verifier's command: CaseVerified, then what publication hears (ItemVerified, and ItemPublishable when fixed), versions counting up.
  const verified = [
    event(stream, 2, 'CaseVerified', { ...base, checks: { data: true, fixReference: true, presentation: true }, note: null, canonical, outcome: 'verified' }, correlationId, VERIFIER, at),
    event(stream, 3, 'ItemVerified', { ...base, version: 1, item: published }, correlationId, VERIFIER, at),
  ];
  if (it.itemClass === 'published') verified.push(event(stream, 4, 'ItemPublishable', { ...base, version: 2, item: published }, correlationId, VERIFIER, at));
  return { opened, verified };
}

/** A message as verification's relay publishes it: CloudEvents headers, the data as the value, keyed by its stream. */
function messageOf(e: VerificationEvent) {
  return {
    key: e.streamId,
    value: JSON.stringify(e.data),
    headers: {
      ce_specversion: '1.0',
      ce_id: e.eventId,
      ce_type: e.type,
      ce_source: 'urn:smi:service:verification',
      ce_subject: e.streamId,
      ce_time: e.at,
      'content-type': 'application/json',
      correlation_id: e.correlationId,
      actor: JSON.stringify(e.actor),
      stream_version: String(e.streamVersion),
      schema_version: '1',
      event_position: String(++verificationPosition),
    },
  };
}

const FEED_PARTITIONS = 6;
const feedOffsets = new Array<number>(FEED_PARTITIONS).fill(0);

/**
 * The copy publication's verification feed appends for `e` (verification-feed.consumer.ts: same type, data, id and
 * schema version; the original's stream, version, position, time and Kafka place in the metadata), in the copy stream.
 */
function copyOf(e: VerificationEvent): { streamId: string; event: NewEvent } {
  const partition = Number.parseInt(e.eventId.slice(0, 2), 16) % FEED_PARTITIONS;
  return {
    streamId: `verification-${e.streamId}`,
    event: {
      type: e.type,
      data: e.data,
      eventId: e.eventId,
      schemaVersion: 1,
      metadata: {
        correlationId: e.correlationId,
        actor: e.actor,
        sourceService: 'verification',
        source: {
          streamId: e.streamId,
          streamVersion: e.streamVersion,
          position: String(++verificationPosition),
          recordedAt: e.at,
          topic: `${topicPrefix}.verification.events`,
          partition,
          offset: String(feedOffsets[partition]++),
        },
      },
    },
  };
}

/** Every event type the bench sends, checked once against verification's contract before anything is stored. */
function checkContracts(): void {
  const samples: VerificationEvent[] = [...catalogueEvents()];
  for (let i = 0; i < 200; i++) {
    const { opened, verified } = caseEvents(item(i));
    samples.push(opened, ...verified);
  }
  const checked = new Set<string>();
  for (const e of samples) {
    const errors = eventSchemaErrors('verification', e.type, 1, e.data);
    if (errors.length > 0) throw new Error(`the bench's ${e.type} breaks verification's contract: ${errors.join('; ')}`);
    checked.add(e.type);
  }
  for (const type of ['MakeAdded', 'ModelAdded', 'MakeChanged', 'MakeAliasAdded', 'ModelAliasAdded', 'CaseOpened', 'CaseVerified', 'ItemVerified', 'ItemPublishable']) {
    if (!checked.has(type)) throw new Error(`no ${type} among the bench's samples`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Counts: what each read model must have applied, and which make/model/firmware combinations hold items
// ---------------------------------------------------------------------------------------------------

class Counts {
  catalogue = 0;
  caseEvents = 0;
  publishable = 0;
  readonly byType = new Map<string, number>();
  /** Per (model, firmware index): items, and published items. */
  readonly all = new Int32Array(MODELS.length * FIRMWARE_PER_MODEL);
  readonly published = new Int32Array(MODELS.length * FIRMWARE_PER_MODEL);

  /** Every event stored or sent, by type. */
  event(e: VerificationEvent): void {
    this.byType.set(e.type, (this.byType.get(e.type) ?? 0) + 1);
    if (!e.streamId.startsWith('case-')) this.catalogue += 1;
  }

  /** An item: its case's events (caseEvents: opened, and verified with one or two events for publication) and its combination. */
  item(it: Item): void {
    this.caseEvents += it.itemClass === 'queued' ? 1 : it.itemClass === 'verified-unfixed' ? 3 : 4;
    const slot = it.model.index * FIRMWARE_PER_MODEL + it.firmwareIndex;
    this.all[slot] += 1;
    if (it.itemClass === 'published') {
      this.publishable += 1;
      this.published[slot] += 1;
    }
  }

  get events(): number {
    return this.catalogue + this.caseEvents;
  }

  /** What each projection applies, by its name (the publication service's read models). */
  expected(): Record<string, number> {
    return { catalogue_spellings: this.catalogue, dcc_items: this.caseEvents, published_items: this.publishable, published_item_versions: this.publishable };
  }
}

// ---------------------------------------------------------------------------------------------------
// Seeding: the bulk appended to publication's event store as its feed consumer appends copies
// ---------------------------------------------------------------------------------------------------

/** Case streams per append: one append per batch of opened cases (a provider's file) or of verifications. */
const SEED_BATCH = 1_000;
const SEED_WRITERS = 2;

/** Item i's place in the verification order: a fixed stride through all items, so verifications do not follow the order cases were opened in. */
function verificationOrder(count: number): (j: number) => number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = 7_919;
  while (gcd(stride, count) !== 1) stride += 2;
  return (j) => (j * stride) % count;
}

async function seed(databaseUrl: string, counts: Counts, print: (line: string) => void): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, poolSize: SEED_WRITERS + 1, applicationName: BENCH_APPLICATION_NAME });
  await dataSource.initialize();
  const store = new PostgresEventStore(dataSource, { sourceService: 'publication' });
  const metadata = { correlationId: 'verification-feed', sourceService: 'verification' };
  const started = performance.now();
  try {
    const catalogue = catalogueEvents();
    const byStream = new Map<string, AppendRequest>();
    for (const e of catalogue) {
      counts.event(e);
      const { streamId, event: copy } = copyOf(e);
      const request = byStream.get(streamId) ?? { streamId, events: [], expectedVersion: NO_STREAM };
      request.events.push(copy);
      byStream.set(streamId, request);
    }
    await store.appendMany([...byStream.values()], metadata);

    // Opened cases first, in files of SEED_BATCH; then verifications, in another order, as verifiers work through the queue.
    const order = verificationOrder(ITEMS);
    const passes: Array<{ label: string; batches: number; batch: (b: number) => AppendRequest[] }> = [
      {
        label: 'cases opened',
        batches: Math.ceil(ITEMS / SEED_BATCH),
        batch: (b) => {
          const requests: AppendRequest[] = [];
          for (let i = b * SEED_BATCH; i < Math.min(ITEMS, (b + 1) * SEED_BATCH); i++) {
            const it = item(i);
            counts.item(it);
            const { opened } = caseEvents(it);
            counts.event(opened);
            const { streamId, event: copy } = copyOf(opened);
            requests.push({ streamId, events: [copy], expectedVersion: NO_STREAM });
          }
          return requests;
        },
      },
      {
        label: 'verifications',
        batches: Math.ceil(ITEMS / SEED_BATCH),
        batch: (b) => {
          const requests: AppendRequest[] = [];
          for (let j = b * SEED_BATCH; j < Math.min(ITEMS, (b + 1) * SEED_BATCH); j++) {
            const it = item(order(j));
            if (it.itemClass === 'queued') continue;
            const { verified } = caseEvents(it);
            verified.forEach((e) => counts.event(e));
            requests.push({ streamId: `verification-case-${it.caseId}`, events: verified.map((e) => copyOf(e).event), expectedVersion: 1 });
          }
          return requests;
        },
      },
    ];
    for (const pass of passes) {
      let next = 0;
      let done = 0;
      await Promise.all(
        Array.from({ length: SEED_WRITERS }, async () => {
          for (let b = next++; b < pass.batches; b = next++) {
            const requests = pass.batch(b);
            if (requests.length > 0) await store.appendMany(requests, metadata);
            done += 1;
            if (done % 20 === 0 || done === pass.batches) process.stderr.write(`\rseeding ${pass.label}: ${fmt(Math.min(ITEMS, done * SEED_BATCH))}/${fmt(ITEMS)} items`);
          }
        }),
      );
      process.stderr.write('\n');
    }
    await store.notificationsSettled();
    const seeded = performance.now();
    // The copies are verification's events: the relay passes over them as they arrive, so a running service's relay
    // checkpoint is past them already.
    await dataSource.query(
      `INSERT INTO outbox_relay_checkpoints (relay, transaction_id, position, published)
       SELECT 'publication', transaction_id, position, 0 FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1
       ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position`,
    );
    // Autovacuum would have analysed and vacuumed a table this size long before; a bulk load gets it at once.
    await dataSource.query(`VACUUM ANALYZE events`);
    const [{ size }] = (await dataSource.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)) as Array<{ size: string }>;
    const types = [...counts.byType.entries()].map(([type, n]) => `${type} ${fmt(n)}`).join(', ');
    print(
      `seeded ${fmt(ITEMS)} items (${fmt(counts.publishable)} published) and a catalogue of ${MAKES.length} makes and ${MODELS.length} models: ${fmt(counts.events)} events (${types}), ` +
        `appended as the feed appends copies, in ${fmt((seeded - started) / 1000, 1)} s; vacuum+analyze ${fmt((performance.now() - seeded) / 1000, 1)} s; database ${size}`,
    );
  } finally {
    await dataSource.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------
// The service and its read models
// ---------------------------------------------------------------------------------------------------

function publicationEnv(databaseUrl: string, port: number): NodeJS.ProcessEnv {
  return serviceEnv('publication', { databaseUrl, topicPrefix, port }, SERVICE_ENV);
}

/** Each read model's applied-event count (its active table's checkpoint); empty until the runner has created them. */
async function applied(db: Client): Promise<Map<string, number>> {
  const { rows } = await db.query<{ projection: string; processed: string }>(
    `SELECT c.projection, c.processed::text AS processed FROM projection_checkpoints c
       JOIN projection_state s ON s.projection = c.projection AND s.active_table = c.table_name`,
  );
  return new Map(rows.map((r) => [r.projection, Number(r.processed)]));
}

/** Polls until every read model has applied what it is expected to; returns when each got there (ms since `since`). */
async function waitForReadModels(db: Client, expected: Record<string, number>, since: number, service: ServiceProcess, timeoutMs: number): Promise<Map<string, number>> {
  const done = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = performance.now();
    let counts = new Map<string, number>();
    try {
      counts = await applied(db);
    } catch (error) {
      // The runner creates its bookkeeping tables on start; until then there is nothing to read.
      if ((error as { code?: string }).code !== '42P01') throw error;
    }
    for (const [name, n] of Object.entries(expected)) if (!done.has(name) && (counts.get(name) ?? 0) >= n) done.set(name, now - since);
    if (done.size === Object.keys(expected).length) return done;
    if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.output.join('')}`);
    if (Date.now() > deadline) {
      throw new Error(`read models not caught up after ${timeoutMs} ms: ${Object.entries(expected).map(([name, n]) => `${name} ${counts.get(name) ?? 0}/${n}`).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function token(sub: string, party: string, partyType: 'dcc' | 'supplier', roles: string[] = []): Promise<string> {
  return mintLocalToken({ secret: settings.AUTH_LOCAL_SECRET, issuer: settings.AUTH_ISSUER, audience: settings.AUTH_AUDIENCE, sub, party, partyType, roles, expiresIn: '4h' });
}

// ---------------------------------------------------------------------------------------------------
// Load: N clients, each sending its next request when the last one was answered
// ---------------------------------------------------------------------------------------------------

interface LoadResult {
  latencies: number[];
  seconds: number;
  errors: number;
  firstError?: string;
  cpu: { service: number; postgres: number; bench: number };
}

/**
 * `clients` loops for `seconds` after WARM_UP_SECONDS; only requests sent after the warm-up count. `send` answers
 * its response's status; anything but 200 is an error. CPU is metered over the counted window only.
 */
async function drive(pid: number, clients: number, seconds: number, send: (client: number) => Promise<{ status: number; body?: string }>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const measureFrom = begin + WARM_UP_SECONDS * 1000;
  const end = measureFrom + seconds * 1000;
  // Started when the warm-up ends, while the clients go on.
  const metered = new Promise<{ meter: CpuMeter; bench: NodeJS.CpuUsage }>((resolve, reject) =>
    setTimeout(() => CpuMeter.start(pid, databaseName).then((meter) => resolve({ meter, bench: process.cpuUsage() }), reject), WARM_UP_SECONDS * 1000),
  );
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end) {
        const sent = performance.now();
        const { status, body } = await send(client);
        const took = performance.now() - sent;
        if (sent < measureFrom) continue;
        if (status !== 200) {
          errors += 1;
          firstError ??= `${status} ${body ?? ''}`.slice(0, 500);
        } else latencies.push(took);
      }
    }),
  );
  const finished = performance.now();
  const { meter, bench: benchBefore } = await metered;
  const used = await meter.stop();
  const bench = process.cpuUsage(benchBefore);
  latencies.sort((a, b) => a - b);
  return { latencies, seconds: (finished - measureFrom) / 1000, errors, firstError, cpu: { ...used, bench: (bench.user + bench.system) / 1e6 } };
}

function describeLoad(label: string, unit: string, result: LoadResult, print: (line: string) => void): { p99: number; rate: number } {
  const { latencies } = result;
  const rate = latencies.length / result.seconds;
  const p99 = percentile(latencies, 99);
  print(
    `${label}: ${fmt(latencies.length)} in ${fmt(result.seconds, 1)} s = ${fmt(rate)} ${unit}/s; latency p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms, ` +
      `p99 ${fmt(p99, 1)} ms, max ${fmt(latencies[latencies.length - 1], 1)} ms${result.errors > 0 ? `; ${fmt(result.errors)} errors, first: ${result.firstError}` : ''}`,
  );
  const n = Math.max(1, latencies.length);
  print(`    CPU per ${unit}: service ${perUnit(result.cpu.service, n)}, PostgreSQL ${perUnit(result.cpu.postgres, n)}, the bench's clients ${perUnit(result.cpu.bench, n)}`);
  return { p99, rate };
}

const spellingOf = (names: string[], u: number, v: number) => {
  const name = names[Math.floor(u * names.length)];
  // Readers type names in any case: search ignores it.
  return v < 0.15 ? name.toLowerCase() : v < 0.25 ? name.toUpperCase() : name;
};

/** A make/model/firmware combination holding items, the more items the likelier (as readers ask about the devices they have). */
function combinationPicker(weights: Int32Array): (u: number) => { model: Model; firmware: string } {
  const slots: number[] = [];
  const cumulative: number[] = [];
  let sum = 0;
  weights.forEach((n, slot) => {
    if (n === 0) return;
    slots.push(slot);
    cumulative.push((sum += n));
  });
  return (u) => {
    const target = u * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    const slot = slots[lo];
    const model = MODELS[Math.floor(slot / FIRMWARE_PER_MODEL)];
    return { model, firmware: model.firmware[slot % FIRMWARE_PER_MODEL] };
  };
}

async function getText(url: string, bearer: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: response.status, body: await response.text() };
}

async function search(service: ServiceProcess, bearer: string, weights: Int32Array, seconds: number, label: string, print: (line: string) => void): Promise<{ p99: number; rate: number }> {
  const pick = combinationPicker(weights);
  let n = 0;
  let sampled = 0;
  let items = 0;
  let full = 0;
  const result = await drive(service.child.pid!, CLIENTS, seconds, async () => {
    const k = ++n;
    const { model, firmware } = pick(chance(k, 11));
    const make = spellingOf([model.make.name, ...model.make.otherSpellings], chance(k, 12), chance(k, 13));
    const modelName = spellingOf([model.name, ...model.otherSpellings], chance(k, 14), chance(k, 15));
    const query = new URLSearchParams({ make, model: modelName, firmwareVersion: chance(k, 16) < 0.2 ? firmware.toLowerCase() : firmware });
    const answer = await getText(`${service.url}/defects?${query}`, bearer);
    // Every 16th answer is read, to show what a search returns; parsing all of them would load the bench's own CPU.
    if (answer.status === 200 && k % 16 === 0) {
      const page = JSON.parse(answer.body) as { items: unknown[]; nextCursor: string | null };
      sampled += 1;
      items += page.items.length;
      if (page.nextCursor !== null) full += 1;
    }
    return answer;
  });
  const outcome = describeLoad(label, 'search', result, print);
  print(`    answers read: ${fmt(sampled)}, ${fmt(items / Math.max(1, sampled), 1)} items each on average, ${fmt((full / Math.max(1, sampled)) * 100)} % a full page of 50 with more to follow`);
  return outcome;
}

// ---------------------------------------------------------------------------------------------------
// The endpoints other work is adding: used where the service's OpenAPI document has them
// ---------------------------------------------------------------------------------------------------

interface Endpoints {
  dmcCheck: boolean;
  releases: boolean;
  download: boolean;
}

async function probe(service: ServiceProcess, bearer: string): Promise<Endpoints> {
  const { status, body } = await getText(`${service.url}/docs/openapi.json`, bearer);
  if (status !== 200) throw new Error(`GET /docs/openapi.json answered ${status}`);
  const paths = (JSON.parse(body) as { paths: Record<string, Record<string, unknown>> }).paths;
  const has = (pattern: RegExp, method: string) => Object.entries(paths).some(([path, operations]) => pattern.test(path) && method in operations);
  return {
    dmcCheck: has(/^\/defects\/dmc-check$/, 'post'),
    releases: has(/^\/releases$/, 'post'),
    download: has(/^\/releases\/\{[^}]+\}\/download$/, 'get'),
  };
}

/** One installation: an ESME, a communications hub (CHF and GPF), a GSME, a PPMID and an IHD, each a device with published items. */
const INSTALLATION: DeviceType[] = ['ESME', 'CHF', 'GPF', 'GSME', 'PPMID', 'IHD'];

async function dmcCheck(service: ServiceProcess, bearer: string, counts: Counts, print: (line: string) => void): Promise<void> {
  const pickers = new Map(
    INSTALLATION.map((type) => {
      const weights = new Int32Array(counts.published.length);
      counts.published.forEach((n, slot) => {
        if (MODELS[Math.floor(slot / FIRMWARE_PER_MODEL)].deviceType === type) weights[slot] = n;
      });
      return [type, combinationPicker(weights)] as const;
    }),
  );
  let n = 0;
  const members = () => {
    const k = ++n;
    return INSTALLATION.map((deviceType, m) => {
      const { model, firmware } = pickers.get(deviceType)!(chance(k, 20 + m));
      return { deviceType, make: model.make.name, model: model.name, firmwareVersion: firmware };
    });
  };
  let affected = 0;
  let answered = 0;
  const check = async () => {
    const response = await fetch(`${service.url}/defects/dmc-check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ members: members() }),
    });
    const body = await response.text();
    if (response.status === 200) {
      answered += 1;
      affected += (JSON.parse(body) as { members: Array<{ affected: boolean }> }).members.filter((m) => m.affected).length;
    }
    return { status: response.status, body };
  };
  // One caller at a time: the latency of one supplier's question.
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let c = 0; c < DMC_CALLS; c++) {
    const sent = performance.now();
    const { status, body } = await check();
    if (status === 200) latencies.push(performance.now() - sent);
    else {
      errors += 1;
      firstError ??= `${status} ${body}`.slice(0, 500);
    }
  }
  latencies.sort((a, b) => a - b);
  print(
    `DMC check of ${INSTALLATION.length} members (${INSTALLATION.join(', ')}), one caller, ${fmt(DMC_CALLS)} calls: p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms, ` +
      `max ${fmt(latencies[latencies.length - 1], 1)} ms; ${fmt(affected / Math.max(1, answered), 1)} of ${INSTALLATION.length} members affected on average${errors > 0 ? `; ${errors} errors, first: ${firstError}` : ''}`,
  );
  const result = await drive(service.child.pid!, CLIENTS, 10, check);
  describeLoad(`DMC check, ${CLIENTS} clients`, 'check', result, print);
}

/** The quarter the machine's clock is in: one that has started, as a cut requires. */
function currentQuarter(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

async function exportFullEdition(service: ServiceProcess, dcc: string, print: (line: string) => void): Promise<void> {
  const pid = service.child.pid!;
  const label = currentQuarter();
  const atRest = memoryKb(pid, 'VmRSS') / 1024;
  const cutCpu = await CpuMeter.start(pid, databaseName);
  const cutMemory = new PeakMemory(pid);
  const cutStarted = performance.now();
  const cut = await fetch(`${service.url}/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dcc}`, 'content-type': 'application/json' },
    body: JSON.stringify({ label }),
  });
  const cutBody = await cut.text();
  const cutSeconds = (performance.now() - cutStarted) / 1000;
  const cutUsed = await cutCpu.stop();
  const cutPeak = cutMemory.stop();
  // A database kept by an earlier run (--database) has its release already: that one is exported again.
  const kept = args.database && cut.status === 409 ? (JSON.parse(cutBody) as { code: string; details: { release: number } }) : undefined;
  if (kept?.code === 'RELEASE_LABEL_EXISTS') {
    print(`release ${kept.details.release} (${label}) was cut by an earlier run: exporting it`);
    await exportRelease(service, dcc, kept.details.release, print);
    return;
  }
  if (cut.status !== 201) throw new Error(`POST /releases {label: ${label}} answered ${cut.status}: ${cutBody.slice(0, 500)}`);
  const release = JSON.parse(cutBody) as { number: number } & Record<string, unknown>;
  print(
    `release ${release.number} (${label}) cut in ${fmt(cutSeconds, 1)} s; service CPU ${fmt(cutUsed.service, 1)} s, PostgreSQL ${fmt(cutUsed.postgres, 1)} s; ` +
      `service RSS ${fmt(atRest)} MB before, peak ${fmt(Math.max(cutPeak.hwmMb, cutPeak.sampledMb))} MB`,
  );
  await exportRelease(service, dcc, release.number, print);
}

async function exportRelease(service: ServiceProcess, dcc: string, releaseNumber: number, print: (line: string) => void): Promise<void> {
  const pid = service.child.pid!;
  for (const format of ['csv', 'xlsx'] as const) {
    const before = memoryKb(pid, 'VmRSS') / 1024;
    const memory = new PeakMemory(pid);
    const cpu = await CpuMeter.start(pid, databaseName);
    const started = performance.now();
    const response = await fetch(`${service.url}/releases/${releaseNumber}/download?edition=dcc&format=${format}`, { headers: { authorization: `Bearer ${dcc}` } });
    if (response.status !== 200 || !response.body) throw new Error(`download ${format} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    let firstByte = 0;
    let bytes = 0;
    let lines = 0;
    // Read and counted as it arrives, never held: the bench must not be what runs out of memory.
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (firstByte === 0) firstByte = performance.now() - started;
      bytes += chunk.byteLength;
      if (format === 'csv') for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    const used = await cpu.stop();
    const peak = memory.stop();
    const peakMb = Math.max(peak.hwmMb, peak.sampledMb);
    const verdict = seconds < TARGETS.exportSeconds && peakMb < TARGETS.exportRssMb ? 'met' : 'MISSED';
    print(
      `export DCC edition as ${format}: ${fmt(bytes / 1024 ** 2, 1)} MiB${format === 'csv' ? `, ${fmt(lines)} lines` : ''} in ${fmt(seconds, 1)} s (first byte after ${fmt(firstByte)} ms); ` +
        `service RSS ${fmt(before)} MB before, peak (VmHWM${memory.resetWorked ? ', reset at the start' : ''}) ${fmt(peak.hwmMb)} MB, sampled ${fmt(peak.sampledMb)} MB ` +
        `(targets < ${TARGETS.exportSeconds} s, < ${TARGETS.exportRssMb} MB): ${verdict}`,
    );
    print(`    CPU: service ${fmt(used.service, 1)} s, PostgreSQL ${fmt(used.postgres, 1)} s`);
  }
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!args['no-build']) buildServices();
  checkContracts();
  const print = (line: string) => console.log(line);
  print(
    `publication benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 1024 ** 3)} GiB; node ${process.version}; ` +
      `load average ${fmt(loadavg()[0], 2)} / ${fmt(loadavg()[1], 2)} / ${fmt(loadavg()[2], 2)} at start`,
  );
  if (Object.keys(SERVICE_ENV).length > 0) print(`service settings: ${Object.entries(SERVICE_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);

  const databaseUrl = databaseUrlFor(databaseName);
  const counts = new Counts();
  let service: ServiceProcess | undefined;
  const db = new Client({ connectionString: databaseUrl, application_name: BENCH_APPLICATION_NAME });
  try {
    if (args.database) {
      // What that run stored, recounted: every item's attributes are a function of its number.
      counts.catalogue = catalogueEvents().length;
      for (let i = 0; i < ITEMS + FEED_ITEMS; i++) counts.item(item(i));
      print(`reusing database ${databaseName} (${fmt(ITEMS + FEED_ITEMS)} items, ${fmt(counts.publishable)} published): catch-up and feed are not measured`);
    } else {
      migrateService('publication', publicationEnv(databaseUrl, 3003));
      await seed(databaseUrl, counts, print);
    }
    await db.connect();

    // 1. Catch-up: the service starts on the seeded store; its projection runner creates the read models and applies
    //    every copied event. Timed from the process's start, so its start-up (a few seconds) is included.
    const meters: { catchUp?: Promise<CpuMeter> } = {};
    const spawned = performance.now();
    service = await startService('publication', (port) => publicationEnv(databaseUrl, port), {
      readyWithinMs: 120_000,
      outputChunksKept: 200,
      onSpawn: (child) => (meters.catchUp = CpuMeter.start(child.pid!, databaseName)),
    });
    const ready = performance.now();
    const pid = service.child.pid!;
    const catchUpCpu = await meters.catchUp!;
    const expected = counts.expected();
    const finishedAt = await waitForReadModels(db, expected, spawned, service, 6 * 3600_000);
    const catchUp = await catchUpCpu.stop();
    if (!args.database) {
    const seconds = Math.max(...finishedAt.values()) / 1000;
    const perSecond = counts.events / seconds;
    print(`service ready (answering /health) ${fmt((ready - spawned) / 1000, 1)} s after its start; RSS ${fmt(memoryKb(pid, 'VmRSS') / 1024)} MB`);
    print(
      `projection catch-up (bulk appended to the store, not through Kafka): ${fmt(counts.events)} events in ${fmt(seconds, 1)} s from the service's start = ${fmt(perSecond)} events/s ` +
        `(target ≥ ${fmt(TARGETS.catchUpPerSecond)}/s): ${perSecond >= TARGETS.catchUpPerSecond ? 'met' : 'MISSED'}`,
    );
    for (const [name, n] of Object.entries(expected)) {
      const at = finishedAt.get(name)! / 1000;
      print(`    ${name}: ${fmt(n)} events applied, done after ${fmt(at, 1)} s (${fmt(n / at)}/s)`);
    }
    print(`    CPU per store event: service ${perUnit(catchUp.service, counts.events)}, PostgreSQL ${perUnit(catchUp.postgres, counts.events)} (${fmt(catchUp.service, 1)} s and ${fmt(catchUp.postgres, 1)} s in all)`);
    }

    // 2. A slice through Kafka, end to end: verification.events → the feed consumer (inbox, copies) → the projections.
    if (PHASES.has('feed') && FEED_ITEMS > 0 && !args.database) {
      const before = counts.expected();
      const [{ max: lastPosition }] = (await db.query<{ max: string }>(`SELECT coalesce(max(position), 0)::text AS max FROM events`)).rows;
      const kafka = new Kafka({ clientId: `bench-${runId}`, brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const topic = `${topicPrefix}.verification.events`;
      const sliceCounts = new Counts();
      const opened: ReturnType<typeof messageOf>[] = [];
      const verified: ReturnType<typeof messageOf>[] = [];
      for (let i = ITEMS; i < ITEMS + FEED_ITEMS; i++) {
        const it = item(i);
        counts.item(it);
        sliceCounts.item(it);
        const events = caseEvents(it);
        for (const e of [events.opened, ...events.verified]) {
          counts.event(e);
          sliceCounts.event(e);
        }
        opened.push(messageOf(events.opened));
        verified.push(...events.verified.map(messageOf));
      }
      const cpu = await CpuMeter.start(pid, databaseName);
      const started = performance.now();
      for (const messages of [opened, verified]) {
        for (let at = 0; at < messages.length; at += 1_000) await producer.send({ topic, acks: -1, messages: messages.slice(at, at + 1_000) });
      }
      const produced = performance.now();
      const target = counts.expected();
      // The copies are in the store once this many events follow the seeded ones.
      let copiedAt = 0;
      const copies = (async () => {
        for (;;) {
          const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE position > $1`, [lastPosition])).rows;
          if (n >= sliceCounts.events) return (copiedAt = performance.now());
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();
      const doneAt = await waitForReadModels(db, target, started, service, 3600_000);
      await copies;
      const used = await cpu.stop();
      await producer.disconnect();
      const total = Math.max(...doneAt.values()) / 1000;
      print(
        `feed through Kafka: ${fmt(FEED_ITEMS)} more items, ${fmt(sliceCounts.events)} events on ${topic} (produced in ${fmt((produced - started) / 1000, 1)} s): ` +
          `copied into the store after ${fmt((copiedAt - started) / 1000, 1)} s, every read model caught up after ${fmt(total, 1)} s = ${fmt(sliceCounts.events / total)} events/s end to end`,
      );
      for (const [name, n] of Object.entries(target)) print(`    ${name}: ${fmt(n - before[name])} events, done after ${fmt(doneAt.get(name)! / 1000, 1)} s`);
      print(`    CPU per event: service ${perUnit(used.service, sliceCounts.events)}, PostgreSQL ${perUnit(used.postgres, sliceCounts.events)}`);
    }

    // The read models were just written in bulk; autovacuum would have analysed them long before a reader came.
    const vacuumStarted = performance.now();
    const { rows: tables } = await db.query<{ table: string }>(`SELECT active_table AS table FROM projection_state`);
    for (const { table } of tables) await db.query(`VACUUM ANALYZE "${table.replace(/"/g, '""')}"`);
    const { rows: sizes } = await db.query<{ size: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
    print(`read models vacuumed and analysed in ${fmt((performance.now() - vacuumStarted) / 1000, 1)} s; database ${sizes[0].size}; service RSS ${fmt(memoryKb(pid, 'VmRSS') / 1024)} MB`);

    const dcc = await token('dcc-bench', 'DCC', 'dcc', ['registry.admin']);
    const supplier = await token('supplier-bench', 'SUPPLIER-A', 'supplier', ['IS']);
    const endpoints = await probe(service, dcc);

    // 3. Search by make + model + firmware.
    if (PHASES.has('search')) {
      const outcome = await search(service, supplier, counts.published, SEARCH_SECONDS, `search as a supplier (published items), ${CLIENTS} clients`, print);
      print(
        `    targets p99 < ${TARGETS.searchP99Ms} ms: ${outcome.p99 < TARGETS.searchP99Ms ? 'met' : 'MISSED'}; ≥ ${fmt(TARGETS.searchesPerSecond)} searches/s: ${outcome.rate >= TARGETS.searchesPerSecond ? 'met' : 'MISSED'}`,
      );
      if (DCC_SEARCH_SECONDS > 0) await search(service, dcc, counts.all, DCC_SEARCH_SECONDS, `search as DCC (every case), ${CLIENTS} clients (for reference)`, print);
    }

    // 4. The Device Model Combination check.
    if (PHASES.has('dmc')) {
      if (endpoints.dmcCheck) await dmcCheck(service, supplier, counts, print);
      else print('DMC check: skipped: not built (POST /defects/dmc-check is not in the OpenAPI document)');
    }

    // 5. The full (DCC) edition as CSV and XLSX.
    if (PHASES.has('export')) {
      if (endpoints.releases && endpoints.download) await exportFullEdition(service, dcc, print);
      else print('export: skipped: not built (POST /releases and GET /releases/{number}/download are not in the OpenAPI document)');
    }
    print(`load average ${fmt(loadavg()[0], 2)} at end`);
  } catch (error) {
    if (service) process.stderr.write(`last service output:\n${service.output.slice(-20).join('')}\n`);
    throw error;
  } finally {
    await db.end().catch(() => undefined);
    if (service) await stopService(service.child, 30_000);
    if (args.keep) print(`kept: database ${databaseName}, topics ${topicPrefix}.*; drop it by hand, or reuse it with --database=${databaseName}`);
    else if (args.database) await deleteTopics(topicPrefix);
    else await dropDatabaseAndTopics(databaseName, topicPrefix);
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
