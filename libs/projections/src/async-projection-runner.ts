import { AppendNotifications, GlobalCheckpoint, pgConnectionConfig, PostgresEventStore, START } from '@smi/event-store';
import type { Logger } from '@smi/telemetry';
import { DataSource, EntityManager } from 'typeorm';
import {
  advanceCheckpoint,
  countEvents,
  deleteCheckpoint,
  dropTable,
  existingTables,
  insertCheckpoint,
  insertState,
  loadCheckpoint,
  loadState,
  markRebuilding,
  markSwitched,
  orphanTables,
  pointView,
  projectionLockKey,
  ProjectionStateRow,
  clearRebuilding,
  tableLockKey,
  transactionLock,
  tryTransactionLock,
} from './bookkeeping';
import { nextTableName, percentDone, Projection, validateProjection } from './projection';

export interface AsyncProjectionRunnerOptions {
  dataSource: DataSource;
  store: PostgresEventStore;
  projections: Projection[];
  /** Events per transaction. */
  batchSize?: number;
  /** Longest sleep between reads when no append notification arrives. */
  pollIntervalMs?: number;
  logger?: Logger;
  /**
   * Batches applied at once across all read models (default: half the DataSource's pool, at least 1). A batch holds
   * its transaction's connection while `readAll` takes a second from the same pool, so as many batches in flight as
   * the pool has free connections wait on each other for ever: publication's ninth loop (a webhook reaction) did so.
   */
  maxConcurrentBatches?: number;
}

export interface RebuildProgress {
  rebuilding: boolean;
  /** The table being rebuilt, or the active one when no rebuild runs. */
  table?: string;
  processed: number;
  /** Events of the projection's types when the rebuild started. */
  total: number;
  percent: number;
}

export interface ReadModelStatus {
  projection: string;
  activeTable: string;
  checkpoint: GlobalCheckpoint;
  /** Events of the projection's types not yet applied to the active table. */
  lag: number;
  rebuildingTable?: string;
  /** The last failure of this instance's runner for the projection, cleared by the next successful batch. */
  lastError?: string;
}

type BatchOutcome = { kind: 'applied'; count: number } | { kind: 'caught-up' } | { kind: 'busy' } | { kind: 'gone' };

interface Failure {
  count: number;
  retryAt: number;
}

const MAX_BACKOFF_MS = 30_000;
/** The switch waits for the batches in flight on both tables; never indefinitely. */
const SWITCH_LOCK_TIMEOUT = '10s';
/**
 * While the switch waits for the view's lock, new readers of the view queue behind it. A long-running
 * reader must therefore not stall all others for long: give up after this and try again later.
 */
const VIEW_LOCK_TIMEOUT = '2s';
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Keeps asynchronous read models up to date from the event store and rebuilds them without downtime.
 *
 * Each batch is applied and checkpointed in one transaction that holds a transaction-level advisory lock
 * on (projection, table): any number of instances may run, exactly one applies a given batch, and a
 * crash repeats nothing and skips nothing. Readers query a view named after the projection, which a
 * rebuild re-points at the new table in the same transaction that makes the new table active.
 */
export class AsyncProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private running = false;
  private stopping = false;
  private loop?: Promise<void>;
  private notifications?: AppendNotifications;
  private readonly failures = new Map<string, Failure>();
  private readonly lastErrors = new Map<string, string>();
  /** Projections whose rebuild a `rebuild()` call of this instance is driving; the loop leaves those to it. */
  private readonly driving = new Map<string, number>();
  private readonly drivers = new Set<Promise<unknown>>();
  private readonly reportedNewer = new Set<string>();
  private readonly batchSlots: Slots;

  constructor(private readonly options: AsyncProjectionRunnerOptions) {
    for (const projection of options.projections) {
      validateProjection(projection);
      if (this.projections.has(projection.name)) throw new Error(`projection ${projection.name} is registered twice`);
      this.projections.set(projection.name, projection);
    }
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    const poolSize = (options.dataSource.options as { poolSize?: number }).poolSize ?? 10;
    this.batchSlots = new Slots(options.maxConcurrentBatches ?? Math.max(1, Math.floor(poolSize / 2)));
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error('batchSize must be a positive integer');
  }

  /** Creates missing read models (and starts rebuilds for upgraded ones), then keeps them up to date. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    for (const projection of this.projections.values()) await this.initialize(projection);
    this.notifications = new AppendNotifications(pgConnectionConfig(this.options.dataSource), (error) =>
      this.options.logger?.error('event notification connection failed', { error: error.message }),
    );
    for (const projection of this.projections.values()) this.notifications.addReader(projection.name);
    await this.notifications.start();
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in flight and stops; `rebuild()` calls in progress reject, their rebuild stays recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    await this.notifications?.stop();
    await this.loop;
    this.loop = undefined;
    this.notifications = undefined;
    await Promise.allSettled([...this.drivers]);
  }

  /**
   * Rebuilds the read model into a new table from the first event while the current one stays live,
   * then switches the view over. Resolves once the view serves the new table. A rebuild already in
   * progress is joined rather than restarted. If this call fails, the rebuild stays recorded and the
   * runner's loop carries it on.
   */
  async rebuild(projectionName: string): Promise<void> {
    const projection = this.projection(projectionName);
    if (this.stopping) throw new Error('the projection runner is stopped');
    const driver = this.driveRebuild(projection);
    this.drivers.add(driver);
    try {
      await driver;
    } finally {
      this.drivers.delete(driver);
    }
  }

  /** Records a rebuild and returns its table; the runner's loop (on this or any instance) carries it out. */
  async startRebuild(projectionName: string): Promise<string> {
    const projection = this.projection(projectionName);
    const { table } = await this.beginRebuild(projection);
    return table;
  }

  async rebuildProgress(projectionName: string): Promise<RebuildProgress> {
    const ds = this.options.dataSource;
    const state = await loadState(ds, projectionName);
    if (!state) return { rebuilding: false, processed: 0, total: 0, percent: 0 };
    if (!state.rebuildingTable) {
      const active = await loadCheckpoint(ds, projectionName, state.activeTable);
      return { rebuilding: false, table: state.activeTable, processed: active.processed, total: active.processed, percent: 100 };
    }
    const rebuilding = await loadCheckpoint(ds, projectionName, state.rebuildingTable);
    const total = state.rebuildTotal ?? 0;
    return {
      rebuilding: true,
      table: state.rebuildingTable,
      processed: rebuilding.processed,
      total,
      percent: percentDone(rebuilding.processed, total),
    };
  }

  /** One entry per registered, initialised projection: for dashboards and health checks. */
  async readModelStatus(): Promise<ReadModelStatus[]> {
    const ds = this.options.dataSource;
    const result: ReadModelStatus[] = [];
    for (const projection of this.projections.values()) {
      const state = await loadState(ds, projection.name);
      if (!state) continue;
      const { checkpoint } = await loadCheckpoint(ds, projection.name, state.activeTable);
      const lag = projection.eventTypes
        ? await countEvents(ds, checkpoint, projection.eventTypes)
        : await this.options.store.countAfter(checkpoint);
      const lastError = this.lastErrors.get(projection.name);
      result.push({
        projection: projection.name,
        activeTable: state.activeTable,
        checkpoint,
        lag,
        ...(state.rebuildingTable ? { rebuildingTable: state.rebuildingTable } : {}),
        ...(lastError ? { lastError } : {}),
      });
    }
    return result;
  }

  private projection(name: string): Projection {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`no projection named ${name} is registered with this runner`);
    return projection;
  }

  /**
   * One loop per projection, so that PostgreSQL works on one read model's batch while this process folds
   * another's: in one loop a long catch-up of one read model waited on every other's batches in turn.
   */
  private async run(): Promise<void> {
    await Promise.all([...this.projections.values()].map((projection) => this.runLane(projection)));
  }

  private async runLane(projection: Projection): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.step(projection);
      } catch (error) {
        // step() guards its own work; this keeps the loop alive should anything slip through.
        this.recordFailure(projection, projection.name, error);
      }
      if (!worked && this.running) await this.notifications?.wait(this.pollIntervalMs, projection.name);
    }
  }

  /** One batch for the live table and one for a rebuild in progress. True when there may be more to do at once. */
  private async step(projection: Projection): Promise<boolean> {
    let state: ProjectionStateRow | undefined;
    try {
      state = await loadState(this.options.dataSource, projection.name);
    } catch (error) {
      this.recordFailure(projection, projection.name, error);
      return false;
    }
    if (!state || needsUpgrade(projection, state)) {
      return this.guarded(projection, `${projection.name}:init`, async () => {
        await this.initialize(projection);
        return true;
      });
    }
    if (state.activeVersion > projection.version) {
      // A newer deployment owns this read model; applying this code's events to its shape would corrupt it.
      if (!this.reportedNewer.has(projection.name)) {
        this.reportedNewer.add(projection.name);
        this.options.logger?.info('read model was built by newer code; this instance leaves it alone', {
          projection: projection.name,
          activeTable: state.activeTable,
          activeVersion: state.activeVersion,
          codeVersion: projection.version,
        });
      }
      return false;
    }
    let worked = false;
    if (state.activeVersion === projection.version) {
      const live = state.activeTable;
      worked = await this.guarded(projection, live, async () => (await this.applyBatch(projection, live)).kind === 'applied');
    }
    // The old table of an upgrade has no code here that knows its shape: older instances keep it live until the switch.
    const target = state.rebuildingTable;
    if (target && state.rebuildingVersion === projection.version && !this.driving.has(projection.name)) {
      if (await this.guarded(projection, target, () => this.rebuildStep(projection, target))) worked = true;
    }
    return worked;
  }

  /** Runs `work` unless the key is backing off after a failure; a failure is logged and retried later. */
  private async guarded(projection: Projection, key: string, work: () => Promise<boolean>): Promise<boolean> {
    const failure = this.failures.get(key);
    if (failure && failure.retryAt > Date.now()) return false;
    try {
      const worked = await work();
      this.failures.delete(key);
      this.lastErrors.delete(projection.name);
      return worked;
    } catch (error) {
      this.recordFailure(projection, key, error);
      return false;
    }
  }

  private recordFailure(projection: Projection, key: string, error: unknown): void {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const delay = Math.min(this.pollIntervalMs * 2 ** (count - 1), MAX_BACKOFF_MS);
    this.failures.set(key, { count, retryAt: Date.now() + delay });
    const message = (error as Error).message ?? String(error);
    this.lastErrors.set(projection.name, message);
    this.options.logger?.error('projection work failed and was rolled back; retrying from the stored checkpoint', {
      projection: projection.name,
      key,
      attempt: count,
      retryInMs: delay,
      error: message,
    });
  }

  /**
   * Applies the next batch to `table` and moves its checkpoint, in one transaction. The advisory lock
   * is taken before the checkpoint is read, so the instance holding it always continues from where the
   * previous holder committed.
   */
  private applyBatch(projection: Projection, table: string): Promise<BatchOutcome> {
    return this.batchSlots.run(() => this.applyBatchNow(projection, table));
  }

  private applyBatchNow(projection: Projection, table: string): Promise<BatchOutcome> {
    return this.options.dataSource.transaction(async (manager): Promise<BatchOutcome> => {
      if (!(await tryTransactionLock(manager, tableLockKey(projection.name, table)))) return { kind: 'busy' };
      const state = await loadState(manager, projection.name);
      const version = state?.activeTable === table ? state.activeVersion : state?.rebuildingTable === table ? state.rebuildingVersion : undefined;
      // Switched away from, dropped, or built for another shape since the caller looked.
      if (version !== projection.version) return { kind: 'gone' };
      const { checkpoint } = await loadCheckpoint(manager, projection.name, table);
      const applied = await this.applyNext(manager, projection, table, checkpoint);
      return applied === undefined ? { kind: 'caught-up' } : { kind: 'applied', count: applied.count };
    });
  }

  /** Reads and applies one page after `from`; undefined when there was nothing to read. */
  private async applyNext(
    manager: EntityManager,
    projection: Projection,
    table: string,
    from: GlobalCheckpoint,
  ): Promise<{ count: number; checkpoint: GlobalCheckpoint } | undefined> {
    const page = await this.options.store.readAll({ after: from, limit: this.batchSize, eventTypes: projection.eventTypes });
    if (page.events.length === 0) {
      // A read by types passed only events of other types: keep that, so the next read does not scan them again.
      const passed = page.checkpoint.transactionId !== from.transactionId || page.checkpoint.position !== from.position;
      if (passed) await advanceCheckpoint(manager, projection.name, table, from, page.checkpoint, 0);
      return undefined;
    }
    await projection.apply(manager, page.events, table);
    await advanceCheckpoint(manager, projection.name, table, from, page.checkpoint, page.events.length);
    return { count: page.events.length, checkpoint: page.checkpoint };
  }

  /** A batch for the rebuild, and the switch once it has caught up. */
  private async rebuildStep(projection: Projection, target: string): Promise<boolean> {
    const outcome = await this.applyBatch(projection, target);
    if (outcome.kind === 'applied') return true;
    if (outcome.kind === 'caught-up') return this.switchTo(projection, target);
    return false;
  }

  private async driveRebuild(projection: Projection): Promise<void> {
    const { table, version } = await this.beginRebuild(projection);
    if (version !== projection.version) {
      throw new Error(`a rebuild of ${projection.name} for version ${version} (this code: ${projection.version}) is in progress; it belongs to other code`);
    }
    this.driving.set(projection.name, (this.driving.get(projection.name) ?? 0) + 1);
    try {
      for (;;) {
        if (this.stopping) throw new Error(`the projection runner stopped before the rebuild of ${projection.name} finished; it continues when a runner runs`);
        const state = await loadState(this.options.dataSource, projection.name);
        if (state?.activeTable === table) return;
        if (state?.rebuildingTable !== table) throw new Error(`the rebuild of ${projection.name} into ${table} was abandoned`);
        const outcome = await this.applyBatch(projection, table);
        if (outcome.kind === 'busy') await sleep(20);
        if (outcome.kind !== 'caught-up') continue;
        try {
          await this.switchTo(projection, table);
        } catch (error) {
          if (!isLockTimeout(error)) throw error;
          this.options.logger?.info('projection switch timed out waiting for a lock (a long reader of the view?); retrying', {
            projection: projection.name,
            table,
          });
          await sleep(this.pollIntervalMs);
        }
      }
    } finally {
      const count = (this.driving.get(projection.name) ?? 1) - 1;
      if (count > 0) this.driving.set(projection.name, count);
      else this.driving.delete(projection.name);
    }
  }

  /**
   * Creates the read model on first start; on later starts drops tables left behind and, when the code's
   * version is newer than the active table's, starts the rebuild into a table of the new shape.
   */
  private async initialize(projection: Projection): Promise<void> {
    let created: string | undefined;
    let upgrade: { table: string; from: number } | undefined;
    let dropped: string[] = [];
    await this.options.dataSource.transaction(async (manager) => {
      await transactionLock(manager, projectionLockKey(projection.name));
      const state = await loadState(manager, projection.name);
      if (!state) {
        const table = nextTableName(projection.name, await existingTables(manager, projection.name), projection.version);
        await projection.createSchema(manager, table);
        await insertCheckpoint(manager, projection.name, table);
        await pointView(manager, projection.name, table);
        await insertState(manager, projection.name, table, projection.version);
        created = table;
        return;
      }
      dropped = await orphanTables(manager, projection.name, state);
      for (const table of dropped) {
        await dropTable(manager, table);
        await deleteCheckpoint(manager, projection.name, table);
      }
      if (needsUpgrade(projection, state)) {
        if (state.rebuildingTable) {
          // A rebuild for an older shape than this code's is of no use any more.
          await dropTable(manager, state.rebuildingTable);
          await deleteCheckpoint(manager, projection.name, state.rebuildingTable);
          await clearRebuilding(manager, projection.name);
          dropped.push(state.rebuildingTable);
        }
        const table = await this.recordRebuild(manager, projection, [state.activeTable]);
        upgrade = { table, from: state.activeVersion };
      }
    });
    const logger = this.options.logger;
    if (created) logger?.info('projection read model created', { projection: projection.name, table: created, version: projection.version });
    if (dropped.length > 0) logger?.info('dropped tables the projection no longer uses', { projection: projection.name, tables: dropped });
    if (upgrade) {
      logger?.info('projection code is newer than its read model; rebuilding', {
        projection: projection.name,
        table: upgrade.table,
        fromVersion: upgrade.from,
        toVersion: projection.version,
      });
    }
  }

  /** Records a rebuild unless one is already in progress; returns the one in progress then. */
  private async beginRebuild(projection: Projection): Promise<{ table: string; version: number }> {
    // Creates a missing read model, or records the upgrade rebuild that this call then joins.
    await this.initialize(projection);
    const started = await this.options.dataSource.transaction(async (manager) => {
      await transactionLock(manager, projectionLockKey(projection.name));
      const state = await loadState(manager, projection.name);
      if (!state) throw new Error(`projection ${projection.name} has no read model`);
      if (state.rebuildingTable && state.rebuildingVersion !== undefined) {
        return { table: state.rebuildingTable, version: state.rebuildingVersion, joined: true };
      }
      if (state.activeVersion > projection.version) {
        throw new Error(`the read model of ${projection.name} was built by newer code (version ${state.activeVersion}); rebuild it from there`);
      }
      const table = await this.recordRebuild(manager, projection, [state.activeTable]);
      return { table, version: projection.version, joined: false };
    });
    if (!started.joined) this.options.logger?.info('projection rebuild started', { projection: projection.name, table: started.table });
    return started;
  }

  /** Creates the next table and records it as rebuilding from START. Caller holds the projection lock. */
  private async recordRebuild(manager: EntityManager, projection: Projection, inUse: string[]): Promise<string> {
    const taken = [...(await existingTables(manager, projection.name)), ...inUse];
    const table = nextTableName(projection.name, taken, projection.version);
    await projection.createSchema(manager, table);
    await insertCheckpoint(manager, projection.name, table);
    const total = await countEvents(manager, START, projection.eventTypes);
    await markRebuilding(manager, projection.name, table, projection.version, total);
    return table;
  }

  /**
   * Makes the caught-up rebuild the active table. Holding the projection lock and both tables' locks,
   * no batch runs on either table: the events that arrived since the last rebuild batch are applied,
   * the view is re-pointed and the state switched, all in one transaction. Readers keep the old table
   * until that commit and the new one from it, which has applied at least everything the old one had.
   * False when another instance switched or the rebuild was abandoned meanwhile.
   */
  private async switchTo(projection: Projection, target: string): Promise<boolean> {
    const switched = await this.batchSlots.run(() => this.options.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${SWITCH_LOCK_TIMEOUT}'`);
      await transactionLock(manager, projectionLockKey(projection.name));
      const state = await loadState(manager, projection.name);
      if (!state || state.rebuildingTable !== target || state.rebuildingVersion !== projection.version) return undefined;
      const old = state.activeTable;
      await transactionLock(manager, tableLockKey(projection.name, old));
      await transactionLock(manager, tableLockKey(projection.name, target));
      let { checkpoint } = await loadCheckpoint(manager, projection.name, target);
      // Bounded: once this transaction writes it holds an xid, and readAll returns nothing committed after it.
      for (let page = await this.applyNext(manager, projection, target, checkpoint); page; page = await this.applyNext(manager, projection, target, checkpoint)) {
        checkpoint = page.checkpoint;
      }
      await manager.query(`SET LOCAL lock_timeout = '${VIEW_LOCK_TIMEOUT}'`);
      const view = await pointView(manager, projection.name, target);
      await markSwitched(manager, projection.name, target, projection.version);
      const { processed } = await loadCheckpoint(manager, projection.name, target);
      return { old, view, processed, total: state.rebuildTotal ?? 0, startedAt: state.rebuildStartedAt };
    }));
    if (!switched) return false;
    this.options.logger?.info('projection rebuild complete; view switched to the new table', {
      projection: projection.name,
      from: switched.old,
      to: target,
      view: switched.view,
      processed: switched.processed,
      total: switched.total,
      percent: percentDone(switched.processed, switched.total),
      durationMs: switched.startedAt ? Date.now() - switched.startedAt.getTime() : undefined,
    });
    await this.dropOld(projection, switched.old);
    return true;
  }

  /** After the switch, in its own transaction; if it fails the next start drops the table instead. */
  private async dropOld(projection: Projection, table: string): Promise<void> {
    try {
      await this.options.dataSource.transaction(async (manager) => {
        await transactionLock(manager, projectionLockKey(projection.name));
        const state = await loadState(manager, projection.name);
        if (state?.activeTable === table || state?.rebuildingTable === table) return;
        await dropTable(manager, table);
        await deleteCheckpoint(manager, projection.name, table);
      });
    } catch (error) {
      this.options.logger?.error('could not drop the replaced projection table; it is dropped on the next start', {
        projection: projection.name,
        table,
        error: (error as Error).message,
      });
    }
  }
}

/** The code's shape is newer than the active table's and no rebuild for it (or newer code) is under way. */
function needsUpgrade(projection: Projection, state: ProjectionStateRow): boolean {
  return state.activeVersion < projection.version && (state.rebuildingVersion === undefined || state.rebuildingVersion < projection.version);
}

function isLockTimeout(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return (e.code ?? e.driverError?.code) === LOCK_NOT_AVAILABLE;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** At most `size` tasks at once, the others queued in arrival order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error('maxConcurrentBatches must be a positive integer');
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
