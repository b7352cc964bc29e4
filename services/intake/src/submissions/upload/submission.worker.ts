// A worker thread that reads and records submissions (see SubmissionWorkerPool): the CPU-heavy reading and
// the garbage it makes stay off the service's main thread, in a heap of bounded size.
import { PostgresEventStore } from '@smi/event-store';
import { parentPort, workerData } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { readUpload } from '../read-upload';
import { SubmissionRecorder } from '../record/submission-recorder';
import { FromWorker, SubmissionWorkerData, ToWorker, UploadAbandoned, serializeError } from './submission-worker-protocol';

/** Chunks asked for ahead of the parser, so it rarely waits for the next one. */
const READ_AHEAD = 4;

/** The upload's bytes as the main thread hands them over, one pull at a time. */
class PulledBytes implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private requested = 0;
  private ended = false;
  private abandoned = false;
  private wake?: () => void;
  count = 0;

  constructor(private readonly pull: () => void) {}

  push(bytes: Uint8Array): void {
    this.requested -= 1;
    this.queue.push(bytes);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  abandon(): void {
    this.abandoned = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.abandoned) throw new UploadAbandoned('the upload was abandoned');
      while (!this.ended && this.queue.length + this.requested < READ_AHEAD) {
        this.requested += 1;
        this.pull();
      }
      const next = this.queue.shift();
      if (next !== undefined) {
        this.count += next.length;
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

const port = parentPort;
if (port === null) throw new Error('submission.worker must run as a worker thread');
const settings = workerData as SubmissionWorkerData;
// Two connections: a recording transaction and a dry run can share a worker's lifetime, not a connection.
const dataSource = new DataSource({ type: 'postgres', url: settings.databaseUrl, poolSize: 2, applicationName: `${settings.sourceService}-submissions`, logging: ['error'] });
// Without its database the worker is of no use: it ends, failing the job, and the pool starts a fresh one.
const initialized = dataSource.initialize().catch((error: unknown) => {
  setImmediate(() => process.exit(1));
  throw error;
});
const recorder = new SubmissionRecorder(dataSource, new PostgresEventStore(dataSource, { sourceService: settings.sourceService }), { chunkRows: settings.chunkRows });
const inputs = new Map<number, PulledBytes>();
const send = (message: FromWorker) => port.postMessage(message);

async function run(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { jobId } = message;
  const input = new PulledBytes(() => send({ type: 'pull', jobId }));
  inputs.set(jobId, input);
  try {
    await initialized;
    const report = await recorder.record(message.request, readUpload({ format: message.format, bytes: input, byteCount: () => input.count }, message.context));
    send({ type: 'done', jobId, report });
  } catch (error) {
    send({ type: 'failed', jobId, error: serializeError(error) });
  } finally {
    inputs.delete(jobId);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      void run(message);
      return;
    case 'chunk':
      inputs.get(message.jobId)?.push(message.bytes);
      return;
    case 'end':
      inputs.get(message.jobId)?.end();
      return;
    case 'abort':
      inputs.get(message.jobId)?.abandon();
      return;
  }
});
