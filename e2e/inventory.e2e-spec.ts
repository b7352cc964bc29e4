import { CHF_DETAILS, ESME_DETAILS, InventoryClient, PARTIES } from './support/inventory';
import { TestSystem } from './support/system';

interface HistoryEntry {
  streamId: string;
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string; partyId: string; partyType: string } | null;
  correlationId: string;
  recordedAt: string;
}

/**
 * SECMP0125 acceptance scenarios over HTTP against the compiled inventory process, real PostgreSQL and Kafka:
 * install and commission a SMETS2 Comms Hub and ESME, correct the ESME Variant in Pending,
 * InstalledNotCommissioned and Commissioned, Change of Supplier, and every refusal with its code.
 */
describe('inventory: SR12.2, SR8.4 and Change of Supplier over HTTP', () => {
  const system = new TestSystem();
  const inventory = new InventoryClient(system);
  const CHF = '00-DB-12-34-56-78-90-A0';
  const ESME = '00-DB-12-34-56-78-90-A1';
  const SMETS1_ESME = '00-DB-12-34-56-78-90-B1';
  const RETIRED_ESME = '00-DB-12-34-56-78-90-C1';
  const GSME = '00-DB-12-34-56-78-90-D1';
  const NOWHERE = '00-DB-12-34-56-78-90-FF';

  let variantRecordedAt = '';
  let refusedRequest = { requestId: '', correlationId: '' };

  beforeAll(async () => {
    await system.start(['inventory']);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('a supplier pre-notifies a SMETS2 Comms Hub and an ESME (SR12.2): I0, status Pending', async () => {
    const requestId = inventory.requestId('supplierA', CHF);
    const chf = await inventory.preNotify('supplierA', CHF, CHF_DETAILS, requestId);
    expect(chf.status).toBe(200);
    expect(chf.body).toEqual({ requestId, serviceReference: '12.2', deviceId: CHF, responseCode: 'I0', message: 'device pre-notified with SMI status Pending' });

    // Identifiers in any accepted notation are stored canonically.
    const esme = await inventory.preNotify('supplierA', '00db1234567890a1', ESME_DETAILS, `90b3d51f30010001:00db1234567890a1:77`);
    expect(esme.status).toBe(200);
    expect(esme.body).toMatchObject({ requestId: `${PARTIES.supplierA.sub}:${ESME}:77`, deviceId: ESME, responseCode: 'I0' });

    const device = await inventory.as('supplierA', 'GET', `/devices/${ESME}`);
    expect(device.status).toBe(200);
    expect(device.body).toMatchObject({ deviceId: ESME, status: 'Pending', esmeVariant: 'A', prenotifyingUser: PARTIES.supplierA.sub, responsibleSupplier: 'SUPPLIER-A' });
  });

  it('SR8.4 corrects the variant while Pending', async () => {
    const corrected = await inventory.update('supplierA', ESME, { esmeVariant: 'AD' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ responseCode: 'I0', serviceReference: '8.4', deviceId: ESME });
    const history = await inventory.as('dcc', 'GET', `/devices/${ESME}/history`);
    const entry = (history.body as { events: HistoryEntry[] }).events.find((e) => e.type === 'InventoryUpdated');
    expect(entry?.data).toMatchObject({ changes: { esmeVariant: 'AD' }, previous: { esmeVariant: 'A' } });
    variantRecordedAt = entry!.recordedAt;
  });

  it('the DSP reports the devices whitelisted and installed; SR8.4 corrects the variant in InstalledNotCommissioned', async () => {
    for (const deviceId of [CHF, ESME]) {
      const whitelisted = await inventory.status(deviceId, 'Whitelisted', 'added to the Comms Hub device log');
      expect(whitelisted.status).toBe(200);
      expect(whitelisted.body).toMatchObject({ recorded: true, device: { deviceId, status: 'Whitelisted' } });
      expect((await inventory.status(deviceId, 'InstalledNotCommissioned')).status).toBe(200);
    }
    const corrected = await inventory.update('supplierA', ESME, { esmeVariant: 'ADE' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from AD to ADE' });
  });

  it('commissioned: SR8.4 corrects the variant; another field is refused E5 (409)', async () => {
    for (const deviceId of [CHF, ESME]) expect((await inventory.status(deviceId, 'Commissioned')).body).toMatchObject({ device: { status: 'Commissioned' } });
    const corrected = await inventory.update('supplierA', ESME, { esmeVariant: 'B' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from ADE to B' });

    const otherField = await inventory.update('supplierA', ESME, { model: '00050204' });
    expect(otherField.status).toBe(409);
    expect(otherField.body).toMatchObject({ responseCode: 'E5', message: expect.stringContaining('model') });
  });

  it('a status move that is not in the table is refused, naming from and to, and records nothing', async () => {
    const before = await inventory.as('dcc', 'GET', `/devices/${ESME}`);
    const refused = await inventory.status(ESME, 'Pending');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { from: 'Commissioned', to: 'Pending' } });
    expect((refused.body as { message: string }).message).toMatch(/Commissioned.*Pending/);
    expect((await inventory.as('dcc', 'GET', `/devices/${ESME}`)).body).toEqual(before.body);
    // Only the DSP reports lifecycle facts.
    expect((await inventory.as('supplierA', 'POST', `/devices/${ESME}/status`, { status: 'Suspended', reason: 'x' })).status).toBe(403);
  });

  it('Change of Supplier to B: B corrects the variant (I0), A is refused E4 (403)', async () => {
    const cos = await inventory.changeSupplier(ESME, 'supplierB');
    expect(cos.status).toBe(200);
    expect(cos.body).toMatchObject({ recorded: true, device: { responsibleSupplier: 'SUPPLIER-B', responsibleSupplierUser: PARTIES.supplierB.sub } });

    const gaining = await inventory.update('supplierB', ESME, { esmeVariant: 'BD' });
    expect(gaining.status).toBe(200);
    expect(gaining.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from B to BD' });

    const requestId = inventory.requestId('supplierA', ESME);
    const losing = await inventory.update('supplierA', ESME, { esmeVariant: 'C' }, requestId);
    expect(losing.status).toBe(403);
    expect(losing.body).toEqual({ requestId, serviceReference: '8.4', deviceId: ESME, responseCode: 'E4', message: expect.stringContaining('SUPPLIER-A') });
    refusedRequest = { requestId, correlationId: losing.headers.get('x-request-id') ?? '' };
    expect(refusedRequest.correlationId).not.toBe('');
  });

  it('refuses a SMETS1 ESME (E5), a non-ESME (E11), a decommissioned ESME (E5), an unknown device (E19), a non-supplier (E2)', async () => {
    await inventory.preNotify('supplierA', SMETS1_ESME, { ...ESME_DETAILS, smetsVersion: 'SMETS1' });
    await inventory.status(SMETS1_ESME, 'Commissioned');
    const smets1 = await inventory.update('supplierA', SMETS1_ESME, { esmeVariant: 'B' });
    expect([smets1.status, (smets1.body as { responseCode: string }).responseCode]).toEqual([409, 'E5']);

    const chf = await inventory.update('supplierA', CHF, { esmeVariant: 'A' });
    expect([chf.status, (chf.body as { responseCode: string }).responseCode]).toEqual([422, 'E11']);

    await inventory.preNotify('supplierA', RETIRED_ESME);
    for (const status of ['Commissioned', 'Decommissioned']) expect((await inventory.status(RETIRED_ESME, status)).status).toBe(200);
    const retired = await inventory.update('supplierA', RETIRED_ESME, { esmeVariant: 'B' });
    expect([retired.status, (retired.body as { responseCode: string }).responseCode]).toEqual([409, 'E5']);
    const retiredCos = await inventory.changeSupplier(RETIRED_ESME, 'supplierB');
    expect([retiredCos.status, (retiredCos.body as { code: string }).code]).toEqual([409, 'STATUS_INCOMPATIBLE']);
    const unknownReport = await inventory.status(NOWHERE, 'Commissioned');
    expect([unknownReport.status, (unknownReport.body as { code: string }).code]).toEqual([404, 'DEVICE_NOT_FOUND']);

    const unknown = await inventory.update('supplierA', NOWHERE, { esmeVariant: 'B' });
    expect([unknown.status, (unknown.body as { responseCode: string }).responseCode]).toEqual([404, 'E19']);

    const network = await inventory.update('network', ESME, { esmeVariant: 'C' });
    expect([network.status, (network.body as { responseCode: string }).responseCode]).toEqual([403, 'E2']);
    const networkPreNotify = await inventory.preNotify('network', GSME, { ...ESME_DETAILS, deviceType: 'GSME', esmeVariant: null });
    expect([networkPreNotify.status, (networkPreNotify.body as { responseCode: string }).responseCode]).toEqual([403, 'E2']);
  });

  it('a malformed request is answered 400 with field errors and records nothing', async () => {
    const before = (await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] };
    const badVariant = await inventory.update('supplierB', ESME, { esmeVariant: 'E' });
    expect(badVariant.status).toBe(400);
    expect(badVariant.body).toMatchObject({ message: 'request validation failed', errors: [{ field: 'changes.esmeVariant', reason: expect.any(String) }] });

    const notMine = await inventory.update('supplierB', ESME, { esmeVariant: 'C' }, inventory.requestId('supplierA', ESME));
    expect(notMine.status).toBe(400);
    expect(notMine.body).toMatchObject({ errors: [{ field: 'requestId', reason: expect.stringContaining('not the sender') }] });

    const noChanges = await inventory.update('supplierB', ESME, {});
    expect(noChanges.status).toBe(400);
    expect(noChanges.body).toMatchObject({ errors: [{ field: 'changes' }] });

    const after = (await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] };
    expect(after.events).toHaveLength(before.events.length);
  });

  it('a retried RequestID gets the first answer back and changes nothing', async () => {
    const requestId = inventory.requestId('supplierB', ESME);
    const first = await inventory.update('supplierB', ESME, { esmeVariant: 'BDE' }, requestId);
    expect(first.status).toBe(200);
    const retry = await inventory.update('supplierB', ESME, { esmeVariant: 'C' }, requestId);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const { events } = (await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] };
    expect(events.filter((e) => e.data.requestId === requestId).map((e) => e.type)).toEqual(['EsmeVariantCorrected', 'ServiceRequestAnswered']);
    expect((await inventory.as('dcc', 'GET', `/devices/${ESME}`)).body).toMatchObject({ esmeVariant: 'BDE' });
  });

  it('the history lists every attempt, refused ones included, with actor, correlation id and time', async () => {
    const history = await inventory.as('dcc', 'GET', `/devices/${ESME}/history`);
    expect(history.status).toBe(200);
    const { events } = history.body as { events: HistoryEntry[] };
    const refusal = events.find((e) => e.type === 'ServiceRequestRefused' && e.data.requestId === refusedRequest.requestId);
    expect(refusal).toMatchObject({
      streamId: `device-${ESME}`,
      actor: { userId: PARTIES.supplierA.sub, partyId: 'SUPPLIER-A', partyType: 'supplier' },
      correlationId: refusedRequest.correlationId,
      data: { responseCode: 'E4', status: 'Commissioned', requested: { esmeVariant: 'C' } },
    });
    const answer = events.find((e) => e.type === 'ServiceRequestAnswered' && e.data.requestId === refusedRequest.requestId);
    expect(answer).toMatchObject({ streamId: `service-request-${refusedRequest.requestId}`, correlationId: refusedRequest.correlationId, data: { responseCode: 'E4', channel: 'http' } });
    expect(events.some((e) => e.type === 'ServiceRequestRefused' && e.data.responseCode === 'E2' && e.actor?.partyType === 'network')).toBe(true);
    expect(events.filter((e) => e.type === 'DeviceStatusChanged').map((e) => e.data.to)).toEqual(['Whitelisted', 'InstalledNotCommissioned', 'Commissioned']);
    expect(events.map((e) => e.recordedAt)).toEqual([...events.map((e) => e.recordedAt)].sort());

    // The refusal on a device that never entered the SMI is still there for DCC.
    const nowhere = await inventory.as('dcc', 'GET', `/devices/${NOWHERE}/history`);
    expect((nowhere.body as { events: HistoryEntry[] }).events.map((e) => e.type)).toEqual(['ServiceRequestRefused', 'ServiceRequestAnswered']);
    expect((await inventory.as('dcc', 'GET', `/devices/${NOWHERE}`)).status).toBe(404);
  });

  it('asOf returns the device as it was: the earlier variant, status and supplier', async () => {
    const then = await inventory.as('dcc', 'GET', `/devices/${ESME}?asOf=${encodeURIComponent(variantRecordedAt)}`);
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({ deviceId: ESME, esmeVariant: 'AD', status: 'Pending', responsibleSupplier: 'SUPPLIER-A', asOf: new Date(variantRecordedAt).toISOString() });
    const now = await inventory.as('dcc', 'GET', `/devices/${ESME}`);
    expect(now.body).toMatchObject({ esmeVariant: 'BDE', status: 'Commissioned', responsibleSupplier: 'SUPPLIER-B' });
    expect((await inventory.as('dcc', 'GET', `/devices/${ESME}?asOf=2000-01-01T00:00:00Z`)).status).toBe(404);
    const bad = await inventory.as('dcc', 'GET', `/devices/${ESME}?asOf=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'asOf' }] });
  });

  it('suppliers see only the devices they are responsible for; DCC and the DSP see all; others are refused', async () => {
    const ids = (body: unknown) => (body as { items: Array<{ deviceId: string }> }).items.map((d) => d.deviceId);
    expect(ids((await inventory.as('supplierB', 'GET', '/devices')).body)).toEqual([ESME]);
    expect(ids((await inventory.as('supplierA', 'GET', '/devices')).body)).toEqual([CHF, SMETS1_ESME, RETIRED_ESME]);
    expect(ids((await inventory.as('dcc', 'GET', '/devices')).body)).toEqual([CHF, ESME, SMETS1_ESME, RETIRED_ESME]);
    expect(ids((await inventory.as('dsp', 'GET', '/devices')).body)).toHaveLength(4);
    // A supplier cannot widen its view with a filter.
    expect(ids((await inventory.as('supplierA', 'GET', '/devices?responsibleSupplier=SUPPLIER-B')).body)).toEqual([]);
    expect((await inventory.as('supplierA', 'GET', `/devices/${ESME}`)).status).toBe(404);
    expect((await inventory.as('supplierA', 'GET', `/devices/${ESME}/history`)).status).toBe(404);
    expect((await inventory.as('supplierB', 'GET', `/devices/${ESME}/history`)).status).toBe(200);
    expect((await inventory.as('manufacturer', 'GET', '/devices')).status).toBe(403);
    expect((await inventory.as('network', 'GET', `/devices/${ESME}`)).status).toBe(403);
  });

  it('filters by status, type, DMC parts, variant and supplier, and pages with an opaque cursor', async () => {
    const ids = (body: unknown) => (body as { items: Array<{ deviceId: string }> }).items.map((d) => d.deviceId);
    expect(ids((await inventory.as('dcc', 'GET', '/devices?status=Commissioned')).body)).toEqual([CHF, ESME, SMETS1_ESME]);
    expect(ids((await inventory.as('dcc', 'GET', '/devices?deviceType=CHF')).body)).toEqual([CHF]);
    expect(ids((await inventory.as('dcc', 'GET', '/devices?esmeVariant=BDE')).body)).toEqual([ESME]);
    expect(ids((await inventory.as('dcc', 'GET', '/devices?manufacturer=1063&model=00050203&firmwareVersion=38040404&status=Commissioned')).body)).toEqual([ESME, SMETS1_ESME]);
    expect(ids((await inventory.as('dcc', 'GET', '/devices?manufacturer=10ab')).body)).toEqual([CHF]);
    expect(ids((await inventory.as('dcc', 'GET', '/devices?responsibleSupplier=SUPPLIER-A&status=Decommissioned')).body)).toEqual([RETIRED_ESME]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await inventory.as('dcc', 'GET', `/devices?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      const body = page.body as { items: Array<{ deviceId: string }>; nextCursor: string | null };
      seen.push(...body.items.map((d) => d.deviceId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([CHF, ESME, SMETS1_ESME, RETIRED_ESME]);

    for (const [query, field] of [
      ['status=Installed', 'status'],
      ['deviceType=WATER', 'deviceType'],
      ['esmeVariant=E', 'esmeVariant'],
      ['manufacturer=XYZ', 'manufacturer'],
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['cursor=not-ours', 'cursor'],
      ['colour=red', 'colour'],
    ]) {
      const bad = await inventory.as('dcc', 'GET', `/devices?${query}`);
      expect({ query, status: bad.status, fields: (bad.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field) }).toEqual({ query, status: 400, fields: [field] });
    }
    expect((await inventory.as('dcc', 'GET', '/devices/not-a-device')).status).toBe(400);
  });

  it('serves the endpoints in OpenAPI', async () => {
    const docs = await inventory.as('dcc', 'GET', '/docs/openapi.json');
    const paths = Object.keys((docs.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/service-requests/12.2',
        '/service-requests/8.4',
        '/devices',
        '/devices/{deviceId}',
        '/devices/{deviceId}/history',
        '/devices/{deviceId}/status',
        '/devices/{deviceId}/responsible-supplier',
      ]),
    );
  });
});
