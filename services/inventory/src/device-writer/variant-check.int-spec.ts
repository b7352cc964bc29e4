import { Actor } from '@smi/auth';
import { fold } from '@smi/decider';
import { PostgresEventStore, toDomainEvent } from '@smi/event-store';
import { PLATFORM_MIGRATIONS } from '@smi/service-runtime';
import { createTestDatabase, TestDatabase } from '@smi/testing';
import { DataSource } from 'typeorm';
import { ChangeResponsibleSupplier, deviceDecider, DeviceDetails, DeviceEvent, EsmeVariant, Sender } from '../device-aggregate';
import { DeviceWork, DeviceWriter } from './device-writer';
import { INVENTORY_MIGRATIONS } from '../migrations';
import { SmiDevicesQueries } from '../smi-read-model/smi-devices.queries';
import { AddVariantCheckDue1780000000000 } from '../smi-read-model/variant-check.migration';

const A: Sender = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const B: Sender = { userId: '90-B3-D5-1F-30-02-00-01', partyId: 'SUPPLIER-B', partyType: 'supplier', roles: ['IS'] };
const C: Sender = { userId: '90-B3-D5-1F-30-05-00-01', partyId: 'SUPPLIER-C', partyType: 'supplier', roles: ['IS'] };
const DSP: Sender = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };
const DCC: Actor = { userId: 'dcc-ops', partyId: 'DCC', partyType: 'dcc', roles: [] };
const actor = (sender: Sender): Actor => ({ ...sender, roles: [...sender.roles] }) as Actor;

const ESME: DeviceDetails = { deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: 'A' };
const GSME: DeviceDetails = { ...ESME, deviceType: 'GSME', esmeVariant: null };

let deviceSeq = 0x700;
let counter = 1;
const newDevice = () => `00-DB-12-34-56-78-${(++deviceSeq).toString(16).toUpperCase().padStart(4, '0').replace(/^(..)/, '$1-')}`;
const at = () => new Date().toISOString();

/**
 * The ESME Variant check due after a Change of Supplier in the SMI read model (smi_devices.variant_check_due_by, written
 * inline with the events): given commands through the one write path → then rows, and the due list each party gets.
 */
describe('ESME Variant check due: smi_devices and GET /devices?variantCheck=due against PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let writer: DeviceWriter;
  let queries: SmiDevicesQueries;

  beforeAll(async () => {
    db = await createTestDatabase('inventory_variant_check');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: [...PLATFORM_MIGRATIONS, ...INVENTORY_MIGRATIONS] }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'inventory' });
    writer = new DeviceWriter(store, deviceDecider);
    queries = new SmiDevicesQueries(dataSource, store);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const sr = (command: DeviceWork['command']): DeviceWork => ({ kind: 'service-request', command, channel: 'http', correlationId: 'spec' }) as DeviceWork;
  const reportOf = (command: DeviceWork['command']): DeviceWork => ({ kind: 'report', command, channel: 'http', correlationId: 'spec' }) as DeviceWork;

  /** Commissioned devices pre-notified by supplier A. */
  async function commissioned(...details: DeviceDetails[]): Promise<string[]> {
    const ids = details.map(() => newDevice());
    await writer.write(dataSource, [
      ...ids.map((deviceId, i) => sr({ type: 'PreNotifyDevice', requestId: `${A.userId}:${deviceId}:${counter++}`, deviceId, sender: A, at: at(), ...details[i] })),
      ...ids.map((deviceId) => reportOf({ type: 'ChangeDeviceStatus', requestId: `dsp-${counter++}`, deviceId, sender: DSP, at: at(), to: 'Commissioned', reason: 'commissioned' })),
    ]);
    return ids;
  }

  async function changeOfSupplier(deviceIds: string[], to: Sender): Promise<void> {
    const command = (deviceId: string): ChangeResponsibleSupplier => ({
      type: 'ChangeResponsibleSupplier',
      requestId: `dsp-${counter++}`,
      deviceId,
      sender: DSP,
      at: at(),
      supplierPartyId: to.partyId,
      supplierUserId: to.userId,
      effectiveFrom: '2024-06-01',
    });
    const results = await writer.write(dataSource, deviceIds.map((deviceId) => reportOf(command(deviceId))));
    expect(results.map((r) => r.kind)).toEqual(deviceIds.map(() => 'reported'));
  }

  async function sr84(deviceId: string, sender: Sender, esmeVariant: EsmeVariant): Promise<{ responseCode: string; message: string }> {
    const [result] = await writer.write(dataSource, [
      sr({ type: 'UpdateInventory', requestId: `${sender.userId}:${deviceId}:${counter++}`, deviceId, sender, at: at(), changes: { esmeVariant } }),
    ]);
    if (result.kind !== 'answered') throw new Error(`expected an answer, got ${result.kind}`);
    return result.answer;
  }

  /** Then rows: the devices of `ids` with a check due, as smi_devices holds them. */
  async function thenDueRows(ids: string[], expected: Array<{ device_id: string; responsible_supplier: string; variant_check_due_by: string }>): Promise<void> {
    const rows = await dataSource.query(
      `SELECT device_id, responsible_supplier, variant_check_due_by FROM smi_devices WHERE device_id = ANY($1::text[]) AND variant_check_due_by IS NOT NULL ORDER BY device_id`,
      [ids],
    );
    expect(rows).toEqual([...expected].sort((x, y) => x.device_id.localeCompare(y.device_id)));
  }

  /** The row is the state its stream folds to, the check due included: the read model can be rebuilt from the events. */
  async function expectRowIsTheFold(deviceId: string): Promise<void> {
    const state = fold(deviceDecider, (await store.readStream(`device-${deviceId}`)).map((e) => toDomainEvent<DeviceEvent>(e)));
    const [row] = await dataSource.query(`SELECT esme_variant, responsible_supplier, variant_check_due_by FROM smi_devices WHERE device_id = $1`, [deviceId]);
    expect(state.kind === 'device' && { esme_variant: state.esmeVariant, responsible_supplier: state.responsibleSupplier, variant_check_due_by: state.variantCheckDueBy }).toEqual(row);
  }

  const dueIds = async (who: Actor, query: Record<string, unknown> = {}) =>
    (await queries.list({ variantCheck: 'due', limit: 500, ...query }, who)).items.map((d) => d.deviceId).filter((id) => allIds.includes(id));
  const allIds: string[] = [];

  it('a Change of Supplier of ESMEs puts them on the gaining supplier\'s due list only; a GSME\'s puts nothing there', async () => {
    const [e1, e2, e3, gsme] = await commissioned(ESME, ESME, ESME, GSME);
    allIds.push(e1, e2, e3, gsme);
    await changeOfSupplier([e1, e2, gsme], B);
    await changeOfSupplier([e3], C);

    await thenDueRows(allIds, [
      { device_id: e1, responsible_supplier: 'SUPPLIER-B', variant_check_due_by: 'SUPPLIER-B' },
      { device_id: e2, responsible_supplier: 'SUPPLIER-B', variant_check_due_by: 'SUPPLIER-B' },
      { device_id: e3, responsible_supplier: 'SUPPLIER-C', variant_check_due_by: 'SUPPLIER-C' },
    ]);
    expect(await dueIds(actor(B))).toEqual([e1, e2].sort());
    expect(await dueIds(actor(C))).toEqual([e3]);
    expect(await dueIds(actor(A))).toEqual([]);
    // A supplier cannot widen its list: another party named as responsibleSupplier gives nothing.
    expect(await dueIds(actor(B), { responsibleSupplier: 'SUPPLIER-C' })).toEqual([]);
    expect(await dueIds(DCC)).toEqual([e1, e2, e3].sort());
    expect(await dueIds(DCC, { responsibleSupplier: 'SUPPLIER-B' })).toEqual([e1, e2].sort());
    // The plain list still holds the GSME: the filter is what narrows it.
    expect((await queries.list({ limit: 500 }, actor(B))).items.map((d) => d.deviceId)).toEqual(expect.arrayContaining([e1, e2, gsme]));
    const [view] = (await queries.list({ variantCheck: 'due', limit: 1 }, actor(C))).items;
    expect(view).toMatchObject({ deviceId: e3, variantCheckDueBy: 'SUPPLIER-C', responsibleSupplier: 'SUPPLIER-C' });
    for (const id of allIds) await expectRowIsTheFold(id);
  });

  it('pages the due list in Device ID order', async () => {
    const [e1, e2] = allIds;
    const first = await queries.list({ variantCheck: 'due', limit: 1 }, actor(B));
    expect(first.items.map((d) => d.deviceId)).toEqual([e1]);
    expect(first.nextCursor).not.toBeNull();
    const second = await queries.list({ variantCheck: 'due', limit: 1, cursor: first.nextCursor as string }, actor(B));
    expect(second).toEqual({ items: [expect.objectContaining({ deviceId: e2, variantCheckDueBy: 'SUPPLIER-B' })], nextCursor: null });
  });

  it('the gaining supplier\'s SR8.4 confirming or correcting takes the device off its list; the losing one is refused E4 and changes nothing', async () => {
    const [e1, e2] = allIds;
    expect(await sr84(e1, A, 'A')).toMatchObject({ responseCode: 'E4' });
    expect(await dueIds(actor(B))).toEqual([e1, e2].sort());

    expect(await sr84(e1, B, 'A')).toMatchObject({ responseCode: 'I0', message: expect.stringContaining('ESME Variant A confirmed') });
    expect(await sr84(e2, B, 'BD')).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from A to BD; ESME Variant check after the Change of Supplier recorded' });
    expect(await dueIds(actor(B))).toEqual([]);
    expect((await store.readStream(`device-${e1}`)).map((e) => e.type)).toEqual([
      'DevicePreNotified',
      'DeviceStatusChanged',
      'ResponsibleSupplierChanged',
      'EsmeVariantCheckRequired',
      'ServiceRequestRefused',
      'EsmeVariantChecked',
    ]);
    const checks = (await store.readStream(`device-${e2}`)).filter((e) => e.type === 'EsmeVariantChecked');
    expect(checks.map((e) => e.data)).toEqual([expect.objectContaining({ supplier: 'SUPPLIER-B', outcome: 'corrected', esmeVariant: 'BD', previousVariant: 'A' })]);
    // Confirming again records nothing: no check is due any more.
    const before = (await store.readStream(`device-${e1}`)).length;
    expect(await sr84(e1, B, 'A')).toMatchObject({ responseCode: 'I0', message: 'no change: the device already holds these details' });
    expect(await store.readStream(`device-${e1}`)).toHaveLength(before);
    for (const id of [e1, e2]) await expectRowIsTheFold(id);
  });

  it('a further Change of Supplier before the check moves it: the losing supplier no longer sees it, the new gaining one does', async () => {
    const e3 = allIds[2];
    await changeOfSupplier([e3], B);
    expect(await dueIds(actor(C))).toEqual([]);
    expect(await dueIds(actor(B))).toEqual([e3]);
    const [, required] = (await store.readStream(`device-${e3}`)).slice(-2);
    expect(required).toMatchObject({ type: 'EsmeVariantCheckRequired', data: { deviceId: e3, gainingSupplier: 'SUPPLIER-B', losingSupplier: 'SUPPLIER-C', movedFrom: 'SUPPLIER-C' } });
    await expectRowIsTheFold(e3);
  });

  it('a device whose row is behind its stream is decided on the stream, check due included', async () => {
    const [e] = await commissioned(ESME);
    await changeOfSupplier([e], C);
    // The row says no check is due, at an older version: the writer must fold the stream, which says one is.
    await dataSource.query(`UPDATE smi_devices SET variant_check_due_by = NULL, version = version - 1 WHERE device_id = $1`, [e]);
    expect(await sr84(e, C, 'A')).toMatchObject({ responseCode: 'I0', message: expect.stringContaining('confirmed') });
    expect((await store.readStream(`device-${e}`)).at(-1)).toMatchObject({ type: 'EsmeVariantChecked' });
    await expectRowIsTheFold(e);
  });
});

describe('the variant check migration', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('inventory_variant_check_migration');
    const earlier = INVENTORY_MIGRATIONS.filter((m) => m !== AddVariantCheckDue1780000000000);
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: [...PLATFORM_MIGRATIONS, ...earlier] }).initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('gives existing rows no check due (what their streams fold to), adds the partial index, and goes down again', async () => {
    await dataSource.query(
      `INSERT INTO smi_devices (device_id, device_type, manufacturer, model, firmware_version, smets_version, esme_variant, status, prenotifying_user,
         prenotifying_party, responsible_supplier, responsible_supplier_user, version, created_at, updated_at)
       VALUES ('00-DB-12-34-56-78-FF-01', 'ESME', '1063', '00050203', '38040404', 'SMETS2', 'A', 'Commissioned', $1, 'SUPPLIER-A', 'SUPPLIER-B', NULL, 4, now(), now())`,
      [A.userId],
    );
    const runner = dataSource.createQueryRunner();
    try {
      await new AddVariantCheckDue1780000000000().up(runner);
      expect(await dataSource.query(`SELECT device_id, variant_check_due_by FROM smi_devices`)).toEqual([{ device_id: '00-DB-12-34-56-78-FF-01', variant_check_due_by: null }]);
      const [index] = await dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'smi_devices_variant_check_due'`);
      expect(index.indexdef).toContain('(variant_check_due_by, responsible_supplier, device_id) WHERE (variant_check_due_by IS NOT NULL)');
      await new AddVariantCheckDue1780000000000().down(runner);
      const columns: Array<{ column_name: string }> = await dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'smi_devices'`);
      expect(columns.map((c) => c.column_name)).not.toContain('variant_check_due_by');
    } finally {
      await runner.release();
    }
  });
});
