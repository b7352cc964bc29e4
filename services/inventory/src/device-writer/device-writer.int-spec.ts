import { fold } from '@smi/decider';
import { NO_STREAM, PostgresEventStore, RecordedEvent, toDomainEvent, toNewEvent } from '@smi/event-store';
import { PLATFORM_MIGRATIONS } from '@smi/service-runtime';
import { createTestDatabase, TestDatabase, waitFor } from '@smi/testing';
import { DataSource } from 'typeorm';
import {
  ChangeDeviceStatus,
  deviceDecider,
  DeviceEvent,
  DeviceState,
  EsmeVariant,
  InventoryChanges,
  PreNotifyDevice,
  Sender,
  ServiceRequestAnswered,
  SmiStatus,
  UpdateInventory,
} from '../device-aggregate';
import { INVENTORY_MIGRATIONS } from '../migrations';
import { DeviceWork, DeviceWorkResult, DeviceWriter } from './device-writer';

const A1: Sender = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const B1: Sender = { userId: '90-B3-D5-1F-30-02-00-01', partyId: 'SUPPLIER-B', partyType: 'supplier', roles: ['IS'] };
const DSP: Sender = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };

let deviceSeq = 0;
let counter = 1000;
function newDevice(): string {
  const hex = (++deviceSeq).toString(16).toUpperCase().padStart(4, '0');
  return `00-DB-12-34-56-78-${hex.slice(0, 2)}-${hex.slice(2)}`;
}
const now = () => new Date().toISOString();
const rid = (sender: Sender, deviceId: string) => `${sender.userId}:${deviceId}:${++counter}`;

function preNotify(deviceId: string, sender = A1, requestId = rid(sender, deviceId)): PreNotifyDevice {
  return { type: 'PreNotifyDevice', requestId, deviceId, sender, at: now(), deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: 'A' };
}
function update(deviceId: string, changes: InventoryChanges, sender = A1, requestId = rid(sender, deviceId)): UpdateInventory {
  return { type: 'UpdateInventory', requestId, deviceId, sender, at: now(), changes };
}
function status(deviceId: string, to: SmiStatus): ChangeDeviceStatus {
  return { type: 'ChangeDeviceStatus', requestId: `dsp-${++counter}`, deviceId, sender: DSP, at: now(), to, reason: 'reported by the DSP' };
}
const sr = (command: PreNotifyDevice | UpdateInventory, channel: 'http' | 'kafka' = 'http'): DeviceWork => ({ kind: 'service-request', command, channel, correlationId: `corr-${command.requestId}` });
const report = (command: ChangeDeviceStatus): DeviceWork => ({ kind: 'report', command, channel: 'http', correlationId: `corr-${command.requestId}` });

function answerOf(result: DeviceWorkResult): ServiceRequestAnswered & { repeated: boolean } {
  if (result.kind !== 'answered') throw new Error(`expected an answer, got ${result.kind}`);
  return { ...result.answer, repeated: result.repeated };
}

describe('DeviceWriter against PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let writer: DeviceWriter;

  beforeAll(async () => {
    db = await createTestDatabase('inventory_writer');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: [...PLATFORM_MIGRATIONS, ...INVENTORY_MIGRATIONS], poolSize: 20 }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'inventory' });
    writer = new DeviceWriter(store, deviceDecider);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const one = async (work: DeviceWork) => (await writer.write(dataSource, [work]))[0];
  const deviceEvents = (deviceId: string) => store.readStream(`device-${deviceId}`);
  const requestEvents = (requestId: string) => store.readStream(`service-request-${requestId}`);
  const stateOf = (events: RecordedEvent[]): DeviceState => fold(deviceDecider, events.map((e) => toDomainEvent<DeviceEvent>(e)));
  const row = async (deviceId: string) => (await dataSource.query(`SELECT * FROM smi_devices WHERE device_id = $1`, [deviceId]))[0];

  /** The inline projection must say exactly what folding the stream says. */
  async function expectProjectionMatchesStream(deviceId: string): Promise<void> {
    const events = await deviceEvents(deviceId);
    const state = stateOf(events);
    const projected = await row(deviceId);
    if (state.kind !== 'device') {
      expect(projected).toBeUndefined();
      return;
    }
    expect(projected).toMatchObject({
      device_id: state.deviceId,
      device_type: state.deviceType,
      manufacturer: state.manufacturer,
      model: state.model,
      firmware_version: state.firmwareVersion,
      smets_version: state.smetsVersion,
      esme_variant: state.esmeVariant,
      status: state.status,
      prenotifying_user: state.prenotifyingUser,
      responsible_supplier: state.responsibleSupplier,
      responsible_supplier_user: state.responsibleSupplierUser,
      variant_check_due_by: state.variantCheckDueBy,
      version: events[events.length - 1].streamVersion,
    });
    expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
  }

  it('records a pre-notification and an update with their answers, request records and projection, in one transaction each', async () => {
    const device = newDevice();
    const created = answerOf(await one(sr(preNotify(device))));
    expect(created).toMatchObject({ responseCode: 'I0', serviceReference: '12.2', deviceId: device, channel: 'http', repeated: false });
    const updated = answerOf(await one(sr(update(device, { model: '00050204' }))));
    expect(updated).toMatchObject({ responseCode: 'I0', message: 'inventory updated: model' });

    const events = await deviceEvents(device);
    expect(events.map((e) => e.type)).toEqual(['DevicePreNotified', 'InventoryUpdated']);
    expect(events[1].metadata).toMatchObject({ actor: A1, correlationId: `corr-${updated.requestId}`, channel: 'http', requestId: updated.requestId, sourceService: 'inventory' });
    const [record] = await requestEvents(updated.requestId);
    expect(record).toMatchObject({ type: 'ServiceRequestAnswered', streamVersion: 1, data: { requestId: updated.requestId, responseCode: 'I0', deviceId: device, channel: 'http' } });
    // Both streams of a request commit together.
    expect(record.transactionId).toBe(events[1].transactionId);
    await expectProjectionMatchesStream(device);
    expect(await dataSource.query(`SELECT request_id, response_code, correlation_id FROM smi_service_requests WHERE device_id = $1 ORDER BY position`, [device])).toEqual([
      { request_id: created.requestId, response_code: 'I0', correlation_id: `corr-${created.requestId}` },
      { request_id: updated.requestId, response_code: 'I0', correlation_id: `corr-${updated.requestId}` },
    ]);
  });

  it('answers a repeated RequestID with the first answer and changes nothing, even when the repeat asks for something else', async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    const first = update(device, { esmeVariant: 'B' });
    const original = answerOf(await one(sr(first)));
    const again = answerOf(await one(sr({ ...first, changes: { esmeVariant: 'C' } }, 'kafka')));
    expect(again).toEqual({ ...original, repeated: true });
    expect((await deviceEvents(device)).map((e) => e.type)).toEqual(['DevicePreNotified', 'InventoryUpdated']);
    expect(await requestEvents(original.requestId)).toHaveLength(1);
    expect((await row(device)).esme_variant).toBe('B');
  });

  it('records the answer of a request that changes nothing, with no device event', async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    const versionBefore = (await row(device)).version;
    const same = answerOf(await one(sr(update(device, { esmeVariant: 'A' }))));
    expect(same).toMatchObject({ responseCode: 'I0', message: expect.stringMatching(/no change/) });
    expect(await deviceEvents(device)).toHaveLength(1);
    expect(await requestEvents(same.requestId)).toHaveLength(1);
    expect((await row(device)).version).toBe(versionBefore);
  });

  it('records refusals on the device stream; a device never in the SMI gets no read-model row', async () => {
    const device = newDevice();
    const unknown = answerOf(await one(sr(update(device, { esmeVariant: 'B' }))));
    expect(unknown.responseCode).toBe('E19');
    expect((await deviceEvents(device)).map((e) => e.type)).toEqual(['ServiceRequestRefused']);
    expect(await row(device)).toBeUndefined();

    await one(sr(preNotify(device)));
    const notYours = answerOf(await one(sr(update(device, { esmeVariant: 'B' }, B1))));
    expect(notYours).toMatchObject({ responseCode: 'E19', sender: B1 });
    expect((await deviceEvents(device)).map((e) => e.type)).toEqual(['ServiceRequestRefused', 'DevicePreNotified', 'ServiceRequestRefused']);
    await expectProjectionMatchesStream(device);
  });

  it('decides on the stream, not on the read model row, when the row is not at the stream\'s version', async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    await one(report(status(device, 'Commissioned')));
    // A row that says something the stream does not: it must not be taken as the device's state.
    await dataSource.query(`UPDATE smi_devices SET esme_variant = 'C', version = version - 1 WHERE device_id = $1`, [device]);
    const answer = answerOf(await one(sr(update(device, { esmeVariant: 'C' }))));
    expect(answer).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from A to C' });
    await expectProjectionMatchesStream(device);
  });

  it('records nothing for a command the decider cannot read, and leaves its RequestID free', async () => {
    const device = newDevice();
    const requestId = rid(A1, device);
    const [result] = await writer.write(dataSource, [sr(update(device, { esmeVariant: 'E' as EsmeVariant }, A1, requestId))]);
    expect(result).toMatchObject({ kind: 'refused', error: { code: 'MALFORMED' } });
    expect(await deviceEvents(device)).toEqual([]);
    expect(await requestEvents(requestId)).toEqual([]);
  });

  it('decides a batch in order: a device twice sees its own earlier change, a duplicate RequestID in the batch gets the first answer', async () => {
    const [d1, d2, d3] = [newDevice(), newDevice(), newDevice()];
    await one(sr(preNotify(d3)));
    const correct = update(d1, { esmeVariant: 'AD' });
    const results = await writer.write(dataSource, [
      sr(preNotify(d1), 'kafka'),
      sr(correct, 'kafka'),
      sr(update(d2, { esmeVariant: 'B' }), 'kafka'),
      sr(update(d1, { esmeVariant: 'AD' }), 'kafka'),
      sr({ ...correct, changes: { esmeVariant: 'C' } }, 'kafka'),
      report(status(d1, 'Commissioned')),
      sr(update(d1, { esmeVariant: 'B' }), 'kafka'),
      sr(update(d3, { esmeVariant: 'B' }, B1), 'kafka'),
      report(status(d2, 'Commissioned')),
    ]);
    expect(results.map((r) => (r.kind === 'answered' ? `${r.answer.responseCode}${r.repeated ? ' repeated' : ''}` : r.kind === 'refused' ? r.error.code : 'reported'))).toEqual([
      'I0',
      'I0',
      'E19',
      'I0',
      'I0 repeated',
      'reported',
      'I0',
      'E19',
      'DEVICE_NOT_FOUND',
    ]);
    expect(answerOf(results[4])).toEqual({ ...answerOf(results[1]), repeated: true });
    expect((await deviceEvents(d1)).map((e) => e.type)).toEqual(['DevicePreNotified', 'InventoryUpdated', 'DeviceStatusChanged', 'EsmeVariantCorrected']);
    expect((await deviceEvents(d2)).map((e) => e.type)).toEqual(['ServiceRequestRefused']);
    expect((await row(d1)).esme_variant).toBe('B');
    for (const d of [d1, d2, d3]) await expectProjectionMatchesStream(d);
    // One transaction for the whole batch.
    const all = [...(await deviceEvents(d1)), ...(await deviceEvents(d2))];
    expect(new Set(all.map((e) => e.transactionId)).size).toBe(1);
  });

  it('ten concurrent SR8.4s on one device: each decided against the state the others left, none lost, none applied twice', async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    await one(report(status(device, 'Commissioned')));
    const variants: EsmeVariant[] = ['B', 'BD', 'BDE', 'C', 'CD', 'CDE', 'AD', 'ADE', 'B', 'C'];
    const answers = await Promise.all(variants.map((v) => one(sr(update(device, { esmeVariant: v }))).then(answerOf)));

    expect(answers.every((a) => a.responseCode === 'I0' && !a.repeated)).toBe(true);
    const events = await deviceEvents(device);
    const corrections = events.filter((e) => e.type === 'EsmeVariantCorrected').map((e) => e.data as { from: string; to: string; requestId: string });
    const unchanged = answers.filter((a) => /no change/.test(a.message));
    expect(corrections.length + unchanged.length).toBe(variants.length);
    expect(corrections.length).toBeGreaterThanOrEqual(8);
    // Each correction starts from where the previous one left the device: nobody decided on a stale version.
    let current = 'A';
    for (const c of corrections) {
      expect(c.from).toBe(current);
      current = c.to;
    }
    expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
    expect(events).toHaveLength(2 + corrections.length);
    expect((await row(device)).esme_variant).toBe(current);
    expect(variants).toContain(current);
    const records = await dataSource.query(`SELECT count(*)::int AS n FROM smi_service_requests WHERE device_id = $1`, [device]);
    expect(records[0].n).toBe(variants.length + 1);
    await expectProjectionMatchesStream(device);
  });

  it('the same RequestID sent five times at once is decided once; every sender gets that one answer', async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    const command = update(device, { esmeVariant: 'CD' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => one(sr(command)).then(answerOf)));
    const { repeated: _r, ...first } = answers[0];
    for (const answer of answers) expect({ ...answer, repeated: false }).toEqual({ ...first, repeated: false });
    expect(answers.filter((a) => !a.repeated)).toHaveLength(1);
    expect((await deviceEvents(device)).filter((e) => e.type === 'EsmeVariantCorrected' || e.type === 'InventoryUpdated')).toHaveLength(1);
    expect(await requestEvents(command.requestId)).toHaveLength(1);
  });

  /** Holds an appended, uncommitted event on the device stream until released: a writer racing it must lose once. */
  async function withRivalAppend(device: string, rival: DeviceEvent, race: () => Promise<DeviceWorkResult[]>): Promise<DeviceWorkResult[]> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const version = await store.streamVersion(`device-${device}`, runner.manager);
      await store.append(`device-${device}`, [{ ...toNewEvent(rival), metadata: { actor: { ...DSP, roles: [] }, correlationId: 'rival' } }], version === 0 ? NO_STREAM : version, { correlationId: 'rival' }, runner.manager);
      const racing = race();
      // The racer has read the old version and now waits on the stream's unique version: it will lose.
      await waitFor(async () => {
        const waiting = await dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO events%'`);
        return waiting[0].n > 0;
      }, 20_000, 'the racing append to wait for the rival transaction');
      await runner.commitTransaction();
      return await racing;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it('a writer that loses the race decides again against the new state (HTTP: a new transaction)', async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    await one(report(status(device, 'Commissioned')));
    const suspended: DeviceEvent = { type: 'DeviceStatusChanged', deviceId: device, requestId: 'rival', sender: DSP, at: now(), from: 'Commissioned', to: 'Suspended', reason: 'rival' };
    const [result] = await withRivalAppend(device, suspended, () => writer.write(dataSource, [sr(update(device, { esmeVariant: 'B' }))]));
    // Decided on Commissioned it would have been I0; decided again on Suspended it is E5.
    expect(answerOf(result)).toMatchObject({ responseCode: 'E5', repeated: false });
    expect((await deviceEvents(device)).map((e) => e.type)).toEqual(['DevicePreNotified', 'DeviceStatusChanged', 'DeviceStatusChanged', 'ServiceRequestRefused']);
    await expectProjectionMatchesStream(device);
  });

  it("a batch inside the consumer's transaction retries in a savepoint, keeping what the transaction did before", async () => {
    const device = newDevice();
    await one(sr(preNotify(device)));
    await one(report(status(device, 'Commissioned')));
    const suspended: DeviceEvent = { type: 'DeviceStatusChanged', deviceId: device, requestId: 'rival', sender: DSP, at: now(), from: 'Commissioned', to: 'Suspended', reason: 'rival' };
    const messageId = `inbox-${device}`;
    const [result] = await withRivalAppend(device, suspended, () =>
      dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO consumer_inbox (consumer, message_id, topic, partition, "offset") VALUES ('test', $1, 't', 0, 0)`, [messageId]);
        return writer.write(manager, [sr(update(device, { esmeVariant: 'B' }), 'kafka'), report(status(device, 'Commissioned'))]);
      }),
    );
    expect(answerOf(result).responseCode).toBe('E5');
    expect(await dataSource.query(`SELECT message_id FROM consumer_inbox WHERE message_id = $1`, [messageId])).toHaveLength(1);
    expect((await deviceEvents(device)).map((e) => (e.type === 'DeviceStatusChanged' ? `${e.type}:${(e.data as { to: string }).to}` : e.type))).toEqual([
      'DevicePreNotified',
      'DeviceStatusChanged:Commissioned',
      'DeviceStatusChanged:Suspended',
      'ServiceRequestRefused',
      'DeviceStatusChanged:Commissioned',
    ]);
    await expectProjectionMatchesStream(device);
  });

  it('the read model agrees with the streams for every device written above', async () => {
    const ids: Array<{ device_id: string }> = await dataSource.query(`SELECT device_id FROM smi_devices`);
    expect(ids.length).toBeGreaterThan(5);
    for (const { device_id } of ids) await expectProjectionMatchesStream(device_id);
  });
});
