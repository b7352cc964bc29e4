// The entry point of the bulk correction thread (see BulkCorrectionThread): its own connections, event store and
// DeviceWriter, and the worker that runs the jobs.
import { PostgresEventStore } from '@smi/event-store';
import type { Logger } from '@smi/telemetry';
import { parentPort, workerData } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { createDeviceDecider } from '../device-aggregate';
import { DeviceWriter } from '../device-writer/device-writer';
import { BulkThreadData, FromThread, ToThread } from './bulk-correction-thread';
import { BulkCorrectionWorker, MAX_LANES } from './bulk-correction.worker';

const port = parentPort;
if (port === null) throw new Error('bulk-correction.thread-main must run as a worker thread');
const data = workerData as BulkThreadData;
const send = (message: FromThread) => port.postMessage(message);
// The thread has no logger of its own: each entry goes to the service's logger on the main thread.
const logger: Logger = {
  info: (message, fields) => send({ type: 'log', level: 'info', fields: { msg: message, ...fields } }),
  warn: (message, fields) => send({ type: 'log', level: 'warn', fields: { msg: message, ...fields } }),
  error: (message, fields) => send({ type: 'log', level: 'error', fields: { msg: message, ...fields } }),
};

// A lane holds a connection for its transaction and briefly takes another to read the next piece of the file.
const dataSource = new DataSource({ type: 'postgres', url: data.databaseUrl, poolSize: 2 * MAX_LANES + 1, applicationName: 'inventory-bulk-corrections', logging: ['error'] });
const store = new PostgresEventStore(dataSource, { sourceService: 'inventory' });
const writer = new DeviceWriter(store, createDeviceDecider({ type2InitialStatus: data.settings.INVENTORY_TYPE2_INITIAL_STATUS }));
const worker = new BulkCorrectionWorker(dataSource, store, writer, data.settings, logger);

port.on('message', (message: ToThread) => {
  if (message.type === 'wake') worker.wake();
  if (message.type === 'stop') {
    void worker
      .stop()
      .then(() => dataSource.destroy())
      .finally(() => port.close());
  }
});

dataSource.initialize().then(
  () => worker.start(),
  (error: Error) => {
    logger.error('the bulk correction thread cannot reach its database', { error: error.message });
    // The main thread starts a fresh thread after a pause.
    process.exit(1);
  },
);
