import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_SETTINGS } from '@smi/service-runtime';
import { extname, join } from 'node:path';
import { ResourceLimits, Worker } from 'node:worker_threads';
import { InventorySettings, inventoryDatabaseUrl } from '../settings';

/** What the thread is started with (plain data: it crosses to another isolate). */
export interface BulkThreadData {
  databaseUrl: string;
  settings: Pick<InventorySettings, 'INVENTORY_BULK_BATCH_SIZE' | 'INVENTORY_BULK_POLL_INTERVAL_MS' | 'INVENTORY_TYPE2_INITIAL_STATUS'>;
}

export type ToThread = { type: 'wake' } | { type: 'stop' };
export type FromThread = { type: 'stopped' } | { type: 'log'; level: 'info' | 'warn' | 'error'; fields: Record<string, unknown> };

/**
 * The thread's heap. Bounded, so the garbage of a 719,000-row job is collected as it goes instead of growing the
 * heap: V8 lets an unbounded heap grow to several times its live size between full collections.
 */
const THREAD_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32 };
const RESTART_AFTER_MS = 1_000;
const STOP_TIMEOUT_MS = 30_000;

/** Compiled JavaScript in production; TypeScript source when the service runs from source. */
function threadEntry(): { file: string; execArgv?: string[] } {
  const extension = extname(__filename);
  const file = join(__dirname, `bulk-correction.thread-main${extension}`);
  return extension === '.ts' ? { file, execArgv: ['-r', '@swc-node/register'] } : { file };
}

/**
 * Runs bulk corrections (BulkCorrectionWorker) in a worker thread of the service, with its own connections: a
 * 719,000-row job is CPU work for the service (deciding, encoding events), and on the main thread it would take
 * turns with everything else there (HTTP, the Kafka consumer, the outbox relay publishing the job's own events).
 * In its own thread it runs beside them, and its garbage stays in a bounded heap. A thread that dies (out of memory,
 * a bug) is started again: its jobs go on from their last committed batch.
 */
@Injectable()
export class BulkCorrectionThread implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('BulkCorrections');
  private worker?: Worker;
  private stopping = false;

  constructor(@Inject(SERVICE_SETTINGS) private readonly settings: InventorySettings) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** A job was accepted: the thread looks for work now rather than at its next poll. */
  wake(): void {
    this.worker?.postMessage({ type: 'wake' } satisfies ToThread);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    // The batches in flight commit (or roll back) before the thread closes its connections.
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToThread);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private start(): void {
    const entry = threadEntry();
    const data: BulkThreadData = {
      databaseUrl: inventoryDatabaseUrl(this.settings),
      settings: {
        INVENTORY_BULK_BATCH_SIZE: this.settings.INVENTORY_BULK_BATCH_SIZE,
        INVENTORY_BULK_POLL_INTERVAL_MS: this.settings.INVENTORY_BULK_POLL_INTERVAL_MS,
        INVENTORY_TYPE2_INITIAL_STATUS: this.settings.INVENTORY_TYPE2_INITIAL_STATUS,
      },
    };
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, workerData: data, resourceLimits: THREAD_LIMITS });
    worker.on('message', (message: FromThread) => {
      if (message.type !== 'log') return;
      if (message.level === 'error') this.logger.error(message.fields);
      else if (message.level === 'warn') this.logger.warn(message.fields);
      else this.logger.log(message.fields);
    });
    // Unlistened, an uncaught error in the thread would end the service.
    worker.on('error', (error) => this.logger.error({ msg: 'bulk correction thread failed', error: error.message }));
    worker.once('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.stopping) return;
      this.logger.error({ msg: 'bulk correction thread stopped; starting it again', exitCode: code });
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, RESTART_AFTER_MS).unref();
    });
    this.worker = worker;
  }
}
