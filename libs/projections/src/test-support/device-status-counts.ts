import { NewEvent, NO_STREAM, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import type { Logger } from '@smi/telemetry';
import { DataSource, EntityManager } from 'typeorm';
import { Projection } from '../projection';

export const STATUSES = ['installed', 'commissioned', 'suspended', 'decommissioned'] as const;

export interface DeviceStatusCountsOptions {
  name: string;
  version?: number;
  /** v2 puts a column in the middle, so the view cannot be replaced in place and is dropped and re-created. */
  shape?: 'v1' | 'v2';
  /** The registration event type; tests sharing a database each use their own. */
  eventType?: string;
  /** Called after the batch was written to the table; throwing there must roll the batch back. */
  afterWrite?: (events: RecordedEvent[], table: string) => void | Promise<void>;
}

export type CountingProjection = Projection & { applyCalls: number; appliedEvents: number };

/** Devices registered, counted by status: an append-only total that must never go down. */
export function deviceStatusCounts(options: DeviceStatusCountsOptions): CountingProjection {
  const shape = options.shape ?? 'v1';
  const projection: CountingProjection = {
    name: options.name,
    version: options.version ?? 1,
    eventTypes: [options.eventType ?? 'DeviceRegistered'],
    applyCalls: 0,
    appliedEvents: 0,
    async createSchema(manager: EntityManager, table: string) {
      if (shape === 'v1') {
        await manager.query(`CREATE TABLE "${table}" (status text PRIMARY KEY, total bigint NOT NULL)`);
      } else {
        await manager.query(`CREATE TABLE "${table}" (status text PRIMARY KEY, first_position bigint NOT NULL, total bigint NOT NULL)`);
        await manager.query(`CREATE INDEX "${table}_first_position" ON "${table}" (first_position)`);
      }
    },
    async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
      projection.applyCalls += 1;
      const byStatus = new Map<string, { total: number; first: string }>();
      for (const event of events) {
        const status = (event.data as { status: string }).status;
        const entry = byStatus.get(status) ?? { total: 0, first: event.position };
        entry.total += 1;
        byStatus.set(status, entry);
      }
      const statuses = [...byStatus.keys()];
      const totals = statuses.map((s) => byStatus.get(s)?.total ?? 0);
      if (shape === 'v1') {
        await manager.query(
          `INSERT INTO "${table}" AS t (status, total) SELECT * FROM unnest($1::text[], $2::bigint[])
           ON CONFLICT (status) DO UPDATE SET total = t.total + EXCLUDED.total`,
          [statuses, totals],
        );
      } else {
        const firsts = statuses.map((s) => byStatus.get(s)?.first ?? '0');
        await manager.query(
          `INSERT INTO "${table}" AS t (status, first_position, total) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
           ON CONFLICT (status) DO UPDATE SET total = t.total + EXCLUDED.total`,
          [statuses, firsts, totals],
        );
      }
      await options.afterWrite?.(events, table);
      projection.appliedEvents += events.length;
    },
  };
  return projection;
}

/** Appends `count` registrations (plus some events of another type the projection must ignore), in transactions of `perTransaction`. */
export async function registerDevices(store: PostgresEventStore, prefix: string, count: number, eventType = 'DeviceRegistered', perTransaction = 250): Promise<void> {
  for (let offset = 0; offset < count; offset += perTransaction) {
    const size = Math.min(perTransaction, count - offset);
    await store.appendMany(
      Array.from({ length: size }, (_, i) => {
        const n = offset + i;
        const events: NewEvent[] = [{ type: eventType, data: { status: STATUSES[n % STATUSES.length] } }];
        if (n % 10 === 0) events.push({ type: 'DeviceNoted', data: { status: 'not counted' } });
        return { streamId: `device-${prefix}-${n}`, events, expectedVersion: NO_STREAM };
      }),
      { correlationId: `register-${prefix}` },
    );
  }
}

/** What a reader sees through the projection's stable view. */
export async function viewTotal(dataSource: DataSource, view: string): Promise<number> {
  const rows: Array<{ total: string }> = await dataSource.query(`SELECT coalesce(sum(total), 0)::text AS total FROM "${view}"`);
  return Number(rows[0].total);
}

export async function tableExists(dataSource: DataSource, table: string): Promise<boolean> {
  const rows: Array<{ exists: boolean }> = await dataSource.query(`SELECT to_regclass($1::text) IS NOT NULL AS exists`, [`"${table}"`]);
  return rows[0].exists;
}

export async function storedCheckpoint(dataSource: DataSource, projection: string, table: string): Promise<{ processed: number; transactionId: string; position: string } | undefined> {
  const rows: Array<{ processed: string; transaction_id: string; position: string }> = await dataSource.query(
    `SELECT processed::text AS processed, transaction_id::text AS transaction_id, position::text AS position
     FROM projection_checkpoints WHERE projection = $1 AND table_name = $2`,
    [projection, table],
  );
  return rows[0] ? { processed: Number(rows[0].processed), transactionId: rows[0].transaction_id, position: rows[0].position } : undefined;
}

export function collectingLogger(): { logger: Logger; lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  return {
    lines,
    logger: {
      info: (message, fields) => lines.push({ level: 'info', message, fields }),
      warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
      error: (message, fields) => lines.push({ level: 'error', message, fields }),
    },
  };
}
