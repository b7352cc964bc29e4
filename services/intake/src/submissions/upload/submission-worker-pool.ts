import { extname, join } from 'node:path';
import { ResourceLimits, Worker } from 'node:worker_threads';
import type { SubmissionRequest } from '../record/submission-recorder';
import type { SubmissionReport } from '../record/submission-report';
import type { Upload } from './submission-upload';
import { FromWorker, SubmissionWorkerData, ToWorker, UploadAbandoned, deserializeError } from './submission-worker-protocol';
import type { ValidationContext } from '../validate/validate-row';

export interface SubmissionWorkerPoolOptions extends SubmissionWorkerData {
  /** Submissions read at the same time; more wait their turn (recording ones are serialised by a lock anyway). */
  readonly size?: number;
  /**
   * Heap of each worker. Bounded, so the garbage of a million-row file is collected as it goes instead of
   * growing the heap: V8 lets an unbounded heap grow to several times its live size before collecting.
   */
  readonly resourceLimits?: ResourceLimits;
}

export const DEFAULT_WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 32 };

interface Job {
  readonly request: SubmissionRequest;
  readonly context: ValidationContext;
  readonly upload: Pick<Upload, 'format' | 'bytes'>;
}

/** How to start the worker script: compiled JavaScript in production, TypeScript source under the tests. */
function workerEntry(): { file: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } {
  const extension = extname(__filename);
  const file = join(__dirname, `submission.worker${extension}`);
  if (extension !== '.ts') return { file };
  return { file, execArgv: ['-r', '@swc-node/register'], env: { ...process.env, TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? 'tsconfig.json' } };
}

class Slot {
  private worker?: Worker;
  private lastError?: Error;

  constructor(private readonly options: SubmissionWorkerPoolOptions) {}

  private start(): Worker {
    this.lastError = undefined;
    const entry = workerEntry();
    const worker = new Worker(entry.file, {
      execArgv: entry.execArgv,
      env: entry.env,
      workerData: { databaseUrl: this.options.databaseUrl, sourceService: this.options.sourceService, chunkRows: this.options.chunkRows } satisfies SubmissionWorkerData,
      resourceLimits: this.options.resourceLimits ?? DEFAULT_WORKER_LIMITS,
    });
    // A worker that died (out of memory, a bug) is replaced for the next job; its connections closed with it,
    // so PostgreSQL rolled back whatever it had written.
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    // An uncaught error ends the worker ('exit' follows, failing its job); unlistened, it would end the service.
    worker.on('error', (error) => {
      this.lastError = error;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Starts the worker ahead of the first job, so that job does not wait for it to load. */
  warm(): void {
    this.worker ??= this.start();
  }

  async run(jobId: number, job: Job): Promise<SubmissionReport> {
    const worker = this.worker ?? this.start();
    const iterator = job.upload.bytes[Symbol.asyncIterator]();
    let sending = Promise.resolve();
    let finished = false;
    let uploadError: unknown;
    const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);

    const sendNext = async () => {
      if (finished) return;
      try {
        const next = await iterator.next();
        if (finished) return;
        if (next.done) {
          finished = true;
          post({ type: 'end', jobId });
          return;
        }
        // A copy the worker can own outright; the original may be a slice of a larger buffer.
        const bytes = new Uint8Array(next.value);
        post({ type: 'chunk', jobId, bytes }, [bytes.buffer as ArrayBuffer]);
      } catch (error) {
        finished = true;
        uploadError = error;
        post({ type: 'abort', jobId });
      }
    };

    try {
      return await new Promise<SubmissionReport>((resolve, reject) => {
        const onMessage = (message: FromWorker) => {
          if (message.jobId !== jobId) return;
          if (message.type === 'pull') {
            sending = sending.then(sendNext);
            return;
          }
          cleanup();
          if (message.type === 'done') return resolve(message.report);
          const error = deserializeError(message.error);
          // The worker rolled back because the upload failed here: answer with the upload's own error.
          reject(error instanceof UploadAbandoned && uploadError !== undefined ? uploadError : error);
        };
        const onExit = (code: number) => {
          cleanup();
          const cause = this.lastError ? `: ${this.lastError.message}` : '';
          reject(new Error(`the submission worker stopped (exit code ${code}) while reading the file${cause}; nothing was recorded`));
        };
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('exit', onExit);
        post({ type: 'start', jobId, request: job.request, context: job.context, format: job.upload.format });
      });
    } finally {
      finished = true;
      // Not awaited: a read may still be waiting for the client's next bytes, and the answer must not wait for
      // them. return() leaves the request stream open (the answer still has to go out on its socket).
      void sending.then(() => iterator.return?.()).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/**
 * Reads and records submissions in worker threads. The main thread only passes the upload's bytes on, a few
 * chunks ahead of what the worker has read, so the service keeps answering other requests (and its relay keeps
 * publishing) while a large file is processed, and the file's memory stays in the worker's bounded heap.
 */
export class SubmissionWorkerPool {
  private readonly idle: Slot[];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private readonly all: Slot[];
  private nextJobId = 1;

  constructor(options: SubmissionWorkerPoolOptions) {
    this.all = Array.from({ length: options.size ?? 2 }, () => new Slot(options));
    this.idle = [...this.all];
  }

  async run(request: SubmissionRequest, context: ValidationContext, upload: Pick<Upload, 'format' | 'bytes'>): Promise<SubmissionReport> {
    // The first idle slot: the warm one, unless it is busy.
    const slot = this.idle.shift() ?? (await new Promise<Slot>((resolve) => this.waiting.push(resolve)));
    try {
      return await slot.run(this.nextJobId++, { request, context, upload });
    } finally {
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.idle.unshift(slot);
    }
  }

  /** Starts one worker now; others start when uploads overlap. */
  warm(): void {
    this.all[0]?.warm();
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((slot) => slot.close()));
  }
}
