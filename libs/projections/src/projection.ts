import { RecordedEvent } from '@smi/event-store';
import { EntityManager } from 'typeorm';

/**
 * An asynchronous read model built from the event store.
 *
 * The runner calls `apply` with the events of one batch and stores the checkpoint in the same
 * transaction, so `apply` needs no idempotency of its own: a batch is either applied and checkpointed
 * together or not at all.
 */
export interface Projection {
  /** snake_case; the read model is served by a view of this name over tables `${name}_v<n>`. */
  name: string;
  /** The read model's shape: bump it when the tables change, and the runner rebuilds into a new table. */
  version: number;
  /** Only these event types are read (all when omitted). */
  eventTypes?: string[];
  /** Creates `table` and its indexes. Runs inside the runner's transaction. */
  createSchema(manager: EntityManager, table: string): Promise<void>;
  /** Applies events, in commit order, to `table`. Runs inside the transaction that also stores the checkpoint. */
  apply(manager: EntityManager, events: RecordedEvent[], table: string): Promise<void>;
}

// Leaves room for the `_v<n>` suffix within PostgreSQL's 63-byte identifier limit.
const NAME = /^[a-z][a-z0-9_]{0,49}$/;

export function validateProjection(projection: Projection): void {
  if (!NAME.test(projection.name)) {
    throw new Error(`projection name "${projection.name}" must be snake_case (a-z, 0-9, _), start with a letter and have at most 50 characters`);
  }
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(`projection ${projection.name}: version must be a positive integer, got ${String(projection.version)}`);
  }
  if (projection.eventTypes && projection.eventTypes.length === 0) {
    throw new Error(`projection ${projection.name}: eventTypes must not be empty (omit it to read every event)`);
  }
}

export function tableName(projection: string, generation: number): string {
  return `${projection}_v${generation}`;
}

/** The generation of `table` if it is one of `projection`'s tables; undefined otherwise. */
export function tableGeneration(projection: string, table: string): number | undefined {
  const prefix = `${projection}_v`;
  if (!table.startsWith(prefix)) return undefined;
  const rest = table.slice(prefix.length);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The table a rebuild writes to. An upgrade prefers the code version as the suffix, so in the common case
 * `_vN` matches `version: N`; a generation already taken (earlier manual rebuilds) moves it past the highest.
 */
export function nextTableName(projection: string, existingTables: string[], preferred?: number): string {
  const taken = existingTables.map((t) => tableGeneration(projection, t)).filter((g): g is number => g !== undefined);
  const highest = taken.length > 0 ? Math.max(...taken) : 0;
  const generation = preferred !== undefined && !taken.includes(preferred) && preferred > highest ? preferred : highest + 1;
  return tableName(projection, generation);
}

/** Share of the rebuild done; events appended since the rebuild started can take `processed` past `total`. */
export function percentDone(processed: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((processed * 100) / total));
}

export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
