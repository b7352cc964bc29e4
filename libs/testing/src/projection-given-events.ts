import { ANY, EVENT_STORE_MIGRATIONS, NewEvent, PostgresEventStore } from '@smi/event-store';
import { AsyncProjectionRunner, Projection, PROJECTION_MIGRATIONS } from '@smi/projections';
import { DataSource } from 'typeorm';
import { createTestDatabase } from './test-database';
import { waitFor } from './test-kafka';

/** An event to append before the projection runs: the stream matters to projections that look streams up. */
export type GivenEvent = NewEvent & { streamId: string };

/** A row as `pg` returns it: bigint and numeric as strings, timestamps as Dates, json as objects. */
export type ProjectedRow = Record<string, unknown>;

/** How long the runner may take to apply the given events before the spec gives up. */
const CATCH_UP_MS = 20_000;

/**
 * Given events → then rows, for projections, as `given` is for deciders: the real projection code runs through
 * the real `AsyncProjectionRunner` against a fresh PostgreSQL database, and the rows a reader sees are compared
 * with the expected ones. Rows have no order in a table, so both sides are compared sorted.
 *
 *   await givenEvents(registryOverviewProjection, [partyRegistered]).thenRows('registry_overview', [row]);
 *
 * Each `then…` call appends the events (each in its own transaction, in the order given, to its stream at any
 * version) into a database of its own, waits until the runner reports no lag, reads, and drops the database.
 * A failing `apply` fails the spec with the projection's error instead of waiting out the runner's retries.
 */
export function givenEvents(projection: Projection, events: readonly GivenEvent[]) {
  return {
    /** The rows of `relation` (usually the projection's view, named after it) must be exactly `expected`, in any order. */
    async thenRows(relation: string, expected: readonly ProjectedRow[]): Promise<void> {
      assertSameRows(relation, await projected(projection, events, relation), expected);
    },
    /** The rows of `relation` in a stable order, for checks that cannot spell out every row. */
    rows(relation: string): Promise<ProjectedRow[]> {
      return projected(projection, events, relation);
    },
  };
}

async function projected(projection: Projection, events: readonly GivenEvent[], relation: string): Promise<ProjectedRow[]> {
  const database = await createTestDatabase('projection');
  const dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...EVENT_STORE_MIGRATIONS, ...PROJECTION_MIGRATIONS] });
  let runner: AsyncProjectionRunner | undefined;
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const store = new PostgresEventStore(dataSource, { sourceService: 'projection-spec' });
    for (const { streamId, ...event } of events) {
      await store.append(streamId, [event], ANY, { correlationId: `given-events-${projection.name}` });
    }
    runner = new AsyncProjectionRunner({ dataSource, store, projections: [projection], pollIntervalMs: 100 });
    await runner.start();
    const status = await waitFor(
      async () => {
        const [current] = await runner!.readModelStatus();
        return current && (current.lastError !== undefined || current.lag === 0) ? current : undefined;
      },
      CATCH_UP_MS,
      `projection ${projection.name} to apply ${events.length} given event(s)`,
    );
    if (status.lastError !== undefined) throw new Error(`projection ${projection.name} failed to apply the given events: ${status.lastError}`);
    const rows: ProjectedRow[] = await dataSource.query(`SELECT * FROM ${quoteIdent(relation)}`);
    return sortRows(rows);
  } finally {
    await runner?.stop();
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}

function assertSameRows(relation: string, actual: readonly ProjectedRow[], expected: readonly ProjectedRow[]): void {
  const actualKeys = actual.map(stableStringify);
  const expectedKeys = sortRows(expected).map(stableStringify);
  if (actualKeys.join('\n') === expectedKeys.join('\n')) return;
  const unmatched = [...actualKeys];
  const missing: string[] = [];
  for (const key of expectedKeys) {
    const at = unmatched.indexOf(key);
    if (at === -1) missing.push(key);
    else unmatched.splice(at, 1);
  }
  const list = (keys: string[]) => (keys.length === 0 ? ['    (none)'] : keys.map((key) => `    ${key}`));
  throw new Error(
    [
      `rows of ${relation} differ`,
      '  expected but missing:',
      ...list(missing),
      '  present but not expected:',
      ...list(unmatched),
      `  expected: [${expectedKeys.join(', ')}]`,
      `  actual:   [${actualKeys.join(', ')}]`,
    ].join('\n'),
  );
}

function sortRows(rows: readonly ProjectedRow[]): ProjectedRow[] {
  return [...rows].sort((a, b) => {
    const x = stableStringify(a);
    const y = stableStringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** JSON with object keys sorted, so that column order never makes two equal rows differ (Dates become ISO strings). */
function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    return v;
  });
}

function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
