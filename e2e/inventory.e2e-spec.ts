import { WebhookReceiver } from '@smi/testing';
import { verifyWebhookSignature } from '@smi/webhooks';
import { CHF_DETAILS, ESME_DETAILS, InventoryClient, PARTIES, PartyName } from './support/inventory';
import { call, TestSystem } from './support/system';

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
 *
 * Each test sets up the devices it needs under ids no other test uses, so any one runs alone
 * (`npx jest e2e/inventory.e2e-spec.ts -t '<name>'`) and none depends on what an earlier one left behind.
 */
describe('inventory: SR12.2, SR8.4 and Change of Supplier over HTTP', () => {
  const system = new TestSystem();
  const inventory = new InventoryClient(system);
  let receiver: WebhookReceiver;
  let fixtures = 0;

  /**
   * Device ids for one test, ascending in the order listed (lists are ordered by device id), and a model
   * number only its devices carry, which scopes the list queries to them.
   */
  function freshDevices() {
    const n = (++fixtures).toString(16).toUpperCase().padStart(2, '0');
    const id = (suffix: string) => `00-DB-12-34-56-78-${n}-${suffix}`;
    return { CHF: id('A0'), ESME: id('A1'), SMETS1_ESME: id('B1'), RETIRED_ESME: id('C1'), GSME: id('D1'), NOWHERE: id('FF'), model: `0005E2${n}` };
  }

  async function preNotified(supplier: PartyName, deviceId: string, details: Record<string, unknown> = ESME_DETAILS): Promise<void> {
    const answer = await inventory.preNotify(supplier, deviceId, details);
    expect([answer.status, (answer.body as { responseCode: string }).responseCode]).toEqual([200, 'I0']);
  }

  /** The DSP reports each status in turn, as it does for a device moving through installation. */
  async function reported(deviceId: string, ...statuses: string[]): Promise<void> {
    for (const status of statuses) expect((await inventory.status(deviceId, status)).status).toBe(200);
  }

  async function corrected(supplier: PartyName, deviceId: string, esmeVariant: string): Promise<void> {
    expect((await inventory.update(supplier, deviceId, { esmeVariant })).status).toBe(200);
  }

  async function supplierChanged(deviceId: string, to: PartyName): Promise<void> {
    expect((await inventory.changeSupplier(deviceId, to)).status).toBe(200);
  }

  async function historyOf(deviceId: string): Promise<HistoryEntry[]> {
    return ((await inventory.as('dcc', 'GET', `/devices/${deviceId}/history`)).body as { events: HistoryEntry[] }).events;
  }

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    await system.start(['inventory'], { WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '100' });
  });

  afterAll(async () => {
    await system.stop();
    await receiver?.stop();
  });

  it('a supplier pre-notifies a SMETS2 Comms Hub and an ESME (SR12.2): I0, status Pending', async () => {
    const { CHF, ESME } = freshDevices();
    const requestId = inventory.requestId('supplierA', CHF);
    const chf = await inventory.preNotify('supplierA', CHF, CHF_DETAILS, requestId);
    expect(chf.status).toBe(200);
    expect(chf.body).toEqual({ requestId, serviceReference: '12.2', deviceId: CHF, responseCode: 'I0', message: 'device pre-notified with SMI status Pending' });

    // Identifiers in any accepted notation are stored canonically.
    const compact = (eui64: string) => eui64.replace(/-/g, '').toLowerCase();
    const esme = await inventory.preNotify('supplierA', compact(ESME), ESME_DETAILS, `${compact(PARTIES.supplierA.sub)}:${compact(ESME)}:77`);
    expect(esme.status).toBe(200);
    expect(esme.body).toMatchObject({ requestId: `${PARTIES.supplierA.sub}:${ESME}:77`, deviceId: ESME, responseCode: 'I0' });

    const device = await inventory.as('supplierA', 'GET', `/devices/${ESME}`);
    expect(device.status).toBe(200);
    expect(device.body).toMatchObject({ deviceId: ESME, status: 'Pending', esmeVariant: 'A', prenotifyingUser: PARTIES.supplierA.sub, responsibleSupplier: 'SUPPLIER-A' });
  });

  it('SR8.4 corrects the variant while Pending', async () => {
    const { ESME } = freshDevices();
    await preNotified('supplierA', ESME);
    const corrected = await inventory.update('supplierA', ESME, { esmeVariant: 'AD' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ responseCode: 'I0', serviceReference: '8.4', deviceId: ESME });
    const entry = (await historyOf(ESME)).find((e) => e.type === 'InventoryUpdated');
    expect(entry?.data).toMatchObject({ changes: { esmeVariant: 'AD' }, previous: { esmeVariant: 'A' } });
  });

  it('the DSP reports the devices whitelisted and installed; SR8.4 corrects the variant in InstalledNotCommissioned', async () => {
    const { CHF, ESME } = freshDevices();
    await preNotified('supplierA', CHF, CHF_DETAILS);
    await preNotified('supplierA', ESME, { ...ESME_DETAILS, esmeVariant: 'AD' });
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
    const { CHF, ESME } = freshDevices();
    await preNotified('supplierA', CHF, CHF_DETAILS);
    await preNotified('supplierA', ESME, { ...ESME_DETAILS, esmeVariant: 'ADE' });
    for (const deviceId of [CHF, ESME]) await reported(deviceId, 'Whitelisted', 'InstalledNotCommissioned');
    for (const deviceId of [CHF, ESME]) expect((await inventory.status(deviceId, 'Commissioned')).body).toMatchObject({ device: { status: 'Commissioned' } });
    const corrected = await inventory.update('supplierA', ESME, { esmeVariant: 'B' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from ADE to B' });

    const otherField = await inventory.update('supplierA', ESME, { model: '00050204' });
    expect(otherField.status).toBe(409);
    expect(otherField.body).toMatchObject({ responseCode: 'E5', message: expect.stringContaining('model') });
  });

  it('a status move that is not in the table is refused, naming from and to, and records nothing', async () => {
    const { ESME } = freshDevices();
    await preNotified('supplierA', ESME);
    await reported(ESME, 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned');
    const before = await inventory.as('dcc', 'GET', `/devices/${ESME}`);
    const historyBefore = await historyOf(ESME);
    const refused = await inventory.status(ESME, 'Pending');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { from: 'Commissioned', to: 'Pending' } });
    expect((refused.body as { message: string }).message).toMatch(/Commissioned.*Pending/);
    expect((await inventory.as('dcc', 'GET', `/devices/${ESME}`)).body).toEqual(before.body);
    expect(await historyOf(ESME)).toEqual(historyBefore);
    // Only the DSP reports lifecycle facts.
    expect((await inventory.as('supplierA', 'POST', `/devices/${ESME}/status`, { status: 'Suspended', reason: 'x' })).status).toBe(403);
  });

  it('Change of Supplier to B: B corrects the variant (I0), A is refused E4 (403)', async () => {
    const { ESME } = freshDevices();
    await preNotified('supplierA', ESME, { ...ESME_DETAILS, esmeVariant: 'B' });
    await reported(ESME, 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned');
    const cos = await inventory.changeSupplier(ESME, 'supplierB');
    expect(cos.status).toBe(200);
    expect(cos.body).toMatchObject({ recorded: true, device: { responsibleSupplier: 'SUPPLIER-B', responsibleSupplierUser: PARTIES.supplierB.sub } });

    const gaining = await inventory.update('supplierB', ESME, { esmeVariant: 'BD' });
    expect(gaining.status).toBe(200);
    expect(gaining.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from B to BD; ESME Variant check after the Change of Supplier recorded' });

    const requestId = inventory.requestId('supplierA', ESME);
    const losing = await inventory.update('supplierA', ESME, { esmeVariant: 'C' }, requestId);
    expect(losing.status).toBe(403);
    expect(losing.body).toEqual({ requestId, serviceReference: '8.4', deviceId: ESME, responseCode: 'E4', message: expect.stringContaining('SUPPLIER-A') });
    expect(losing.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a SMETS1 ESME (E5), a non-ESME (E11), a decommissioned ESME (E5), an unknown device (E19), a non-supplier (E2)', async () => {
    const { CHF, ESME, SMETS1_ESME, RETIRED_ESME, GSME, NOWHERE } = freshDevices();
    await preNotified('supplierA', CHF, CHF_DETAILS);
    await preNotified('supplierA', ESME);
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
    const { ESME } = freshDevices();
    await preNotified('supplierB', ESME);
    const before = await historyOf(ESME);
    const badVariant = await inventory.update('supplierB', ESME, { esmeVariant: 'E' });
    expect(badVariant.status).toBe(400);
    expect(badVariant.body).toMatchObject({ message: 'request validation failed', errors: [{ field: 'changes.esmeVariant', reason: expect.any(String) }] });

    const notMine = await inventory.update('supplierB', ESME, { esmeVariant: 'C' }, inventory.requestId('supplierA', ESME));
    expect(notMine.status).toBe(400);
    expect(notMine.body).toMatchObject({ errors: [{ field: 'requestId', reason: expect.stringContaining('not the sender') }] });

    const noChanges = await inventory.update('supplierB', ESME, {});
    expect(noChanges.status).toBe(400);
    expect(noChanges.body).toMatchObject({ errors: [{ field: 'changes' }] });

    expect(await historyOf(ESME)).toHaveLength(before.length);
  });

  it('a retried RequestID gets the first answer back and changes nothing', async () => {
    const { ESME } = freshDevices();
    await preNotified('supplierB', ESME, { ...ESME_DETAILS, esmeVariant: 'BD' });
    await reported(ESME, 'Commissioned');
    const requestId = inventory.requestId('supplierB', ESME);
    const first = await inventory.update('supplierB', ESME, { esmeVariant: 'BDE' }, requestId);
    expect(first.status).toBe(200);
    const retry = await inventory.update('supplierB', ESME, { esmeVariant: 'C' }, requestId);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const events = await historyOf(ESME);
    expect(events.filter((e) => e.data.requestId === requestId).map((e) => e.type)).toEqual(['EsmeVariantCorrected', 'ServiceRequestAnswered']);
    expect((await inventory.as('dcc', 'GET', `/devices/${ESME}`)).body).toMatchObject({ esmeVariant: 'BDE' });
  });

  it('the history lists every attempt, refused ones included, with actor, correlation id and time', async () => {
    const { ESME, NOWHERE } = freshDevices();
    await preNotified('supplierA', ESME);
    await reported(ESME, 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned');
    await supplierChanged(ESME, 'supplierB');
    const requestId = inventory.requestId('supplierA', ESME);
    const losing = await inventory.update('supplierA', ESME, { esmeVariant: 'C' }, requestId);
    expect((losing.body as { responseCode: string }).responseCode).toBe('E4');
    const refusedRequest = { requestId, correlationId: losing.headers.get('x-request-id') ?? '' };
    expect(refusedRequest.correlationId).not.toBe('');
    expect((await inventory.update('network', ESME, { esmeVariant: 'C' })).status).toBe(403);
    expect((await inventory.update('supplierA', NOWHERE, { esmeVariant: 'B' })).status).toBe(404);

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
    const { ESME } = freshDevices();
    await preNotified('supplierA', ESME);
    await corrected('supplierA', ESME, 'AD');
    const variantRecordedAt = (await historyOf(ESME)).find((e) => e.type === 'InventoryUpdated')!.recordedAt;
    await reported(ESME, 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned');
    await supplierChanged(ESME, 'supplierB');
    await corrected('supplierB', ESME, 'BDE');

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

  /**
   * The devices of the list scenarios: a Comms Hub and a SMETS1 ESME commissioned for A, a decommissioned ESME of
   * A's, and an ESME that moved from A to B with variant BDE. All carry the test's own model number.
   */
  async function listedDevices() {
    const devices = freshDevices();
    const { CHF, ESME, SMETS1_ESME, RETIRED_ESME, model } = devices;
    await preNotified('supplierA', CHF, { ...CHF_DETAILS, model });
    await preNotified('supplierA', ESME, { ...ESME_DETAILS, model });
    await preNotified('supplierA', SMETS1_ESME, { ...ESME_DETAILS, model, smetsVersion: 'SMETS1' });
    await preNotified('supplierA', RETIRED_ESME, { ...ESME_DETAILS, model });
    await reported(CHF, 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned');
    await reported(ESME, 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned');
    await supplierChanged(ESME, 'supplierB');
    await corrected('supplierB', ESME, 'BDE');
    await reported(SMETS1_ESME, 'Commissioned');
    await reported(RETIRED_ESME, 'Commissioned', 'Decommissioned');
    return devices;
  }

  const ids = (body: unknown) => (body as { items: Array<{ deviceId: string }> }).items.map((d) => d.deviceId);

  it('suppliers see only the devices they are responsible for; DCC and the DSP see all; others are refused', async () => {
    const { CHF, ESME, SMETS1_ESME, RETIRED_ESME, model } = await listedDevices();
    expect(ids((await inventory.as('supplierB', 'GET', `/devices?model=${model}`)).body)).toEqual([ESME]);
    expect(ids((await inventory.as('supplierA', 'GET', `/devices?model=${model}`)).body)).toEqual([CHF, SMETS1_ESME, RETIRED_ESME]);
    expect(ids((await inventory.as('dcc', 'GET', `/devices?model=${model}`)).body)).toEqual([CHF, ESME, SMETS1_ESME, RETIRED_ESME]);
    expect(ids((await inventory.as('dsp', 'GET', `/devices?model=${model}`)).body)).toHaveLength(4);
    // Whatever other devices exist, an unfiltered list holds only the supplier's own.
    const unfiltered = (await inventory.as('supplierB', 'GET', '/devices?limit=500')).body as { items: Array<{ deviceId: string; responsibleSupplier: string }> };
    expect(unfiltered.items.map((d) => d.deviceId)).toContain(ESME);
    expect(new Set(unfiltered.items.map((d) => d.responsibleSupplier))).toEqual(new Set(['SUPPLIER-B']));
    // A supplier cannot widen its view with a filter.
    expect(ids((await inventory.as('supplierA', 'GET', '/devices?responsibleSupplier=SUPPLIER-B')).body)).toEqual([]);
    expect((await inventory.as('supplierA', 'GET', `/devices/${ESME}`)).status).toBe(404);
    expect((await inventory.as('supplierA', 'GET', `/devices/${ESME}/history`)).status).toBe(404);
    expect((await inventory.as('supplierB', 'GET', `/devices/${ESME}/history`)).status).toBe(200);
    expect((await inventory.as('manufacturer', 'GET', '/devices')).status).toBe(403);
    expect((await inventory.as('network', 'GET', `/devices/${ESME}`)).status).toBe(403);
  });

  it('filters by status, type, DMC parts, variant and supplier, and pages with an opaque cursor', async () => {
    const { CHF, ESME, SMETS1_ESME, RETIRED_ESME, model } = await listedDevices();
    // Every query also names the test's model, so devices of other tests never show up.
    const list = async (query: string) => ids((await inventory.as('dcc', 'GET', `/devices?model=${model}&${query}`)).body);
    expect(await list('status=Commissioned')).toEqual([CHF, ESME, SMETS1_ESME]);
    expect(await list('deviceType=CHF')).toEqual([CHF]);
    expect(await list('esmeVariant=BDE')).toEqual([ESME]);
    expect(ids((await inventory.as('dcc', 'GET', `/devices?manufacturer=1063&model=${model}&firmwareVersion=38040404&status=Commissioned`)).body)).toEqual([ESME, SMETS1_ESME]);
    expect(await list('manufacturer=10ab')).toEqual([CHF]);
    expect(await list('responsibleSupplier=SUPPLIER-A&status=Decommissioned')).toEqual([RETIRED_ESME]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await inventory.as('dcc', 'GET', `/devices?model=${model}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
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

  it('SECMP0125 §5.6: after a Change of Supplier the ESME is on the gaining supplier\'s variant check list until its SR8.4 confirms the variant', async () => {
    const { ESME, GSME, model } = freshDevices();
    await preNotified('supplierA', ESME, { ...ESME_DETAILS, model });
    await preNotified('supplierA', GSME, { ...ESME_DETAILS, deviceType: 'GSME', esmeVariant: null, model });
    for (const device of [ESME, GSME]) await reported(device, 'Commissioned');
    // The test's model scopes every list to its own devices; the unscoped lists are checked for ESME's absence.
    const due = async (party: PartyName, query = '') => {
      const answer = await inventory.as(party, 'GET', `/devices?variantCheck=due&model=${model}${query}`);
      expect(answer.status).toBe(200);
      return ids(answer.body);
    };
    const dueAnywhere = async (party: PartyName) => ids((await inventory.as(party, 'GET', '/devices?variantCheck=due&limit=500')).body);
    expect(await due('supplierA')).toEqual([]);
    // Each supplier subscribes to its variant checks; only the gaining one is to hear of this ESME's.
    const hooks: Record<string, { id: string; secret: string }> = {};
    for (const party of ['supplierA', 'supplierB', 'supplierC'] as const) {
      const subscribed = await inventory.as(party, 'POST', '/webhooks', { url: receiver.url(`/${party}-${model}`), events: ['variant-check.due'] });
      expect(subscribed.status).toBe(201);
      hooks[party] = subscribed.body as { id: string; secret: string };
    }
    expect((await inventory.as('dsp', 'POST', '/webhooks', { url: receiver.url('/dsp'), events: ['variant-check.due'] })).status).toBe(403);

    await supplierChanged(ESME, 'supplierB');
    await supplierChanged(GSME, 'supplierB');
    expect(await due('supplierB')).toEqual([ESME]);

    // The webhook: one signed delivery to SUPPLIER-B for the ESME (none for the GSME), nothing queued for the others.
    const [told] = await receiver.waitFor(`/supplierB-${model}`, 1, 60_000);
    expect(verifyWebhookSignature({ secret: hooks.supplierB.secret, body: told.body, timestamp: told.headers['x-smi-timestamp'] as string, signature: told.headers['x-smi-signature'] as string })).toBe(true);
    expect(JSON.parse(told.body)).toMatchObject({ type: 'variant-check.due', subject: ESME, data: { deviceId: ESME, esmeVariant: 'A', checkBy: 'SR8.4' } });
    expect(told.body).not.toContain('SUPPLIER-A');
    for (const party of ['supplierA', 'supplierC'] as const) {
      const log = await inventory.as(party, 'GET', `/webhooks/${hooks[party].id}/deliveries`);
      expect(log.status).toBe(200);
      expect((log.body as { deliveries: unknown[] }).deliveries).toEqual([]);
    }
    expect((await inventory.as('supplierC', 'GET', `/webhooks/${hooks.supplierB.id}/deliveries`)).status).toBe(404);
    expect(((await inventory.as('supplierB', 'GET', `/devices/${ESME}`)).body as { variantCheckDueBy: string | null }).variantCheckDueBy).toBe('SUPPLIER-B');
    expect(await due('supplierA')).toEqual([]);
    expect(await dueAnywhere('supplierA')).not.toContain(ESME);
    expect(await due('supplierC')).toEqual([]);
    expect(await dueAnywhere('supplierC')).not.toContain(ESME);
    // A supplier's list holds only its own checks, whatever it asks for; DCC and the DSP see all, or one supplier's.
    expect(await due('supplierC', '&responsibleSupplier=SUPPLIER-B')).toEqual([]);
    expect(new Set(((await inventory.as('supplierB', 'GET', '/devices?variantCheck=due&limit=500')).body as { items: Array<{ variantCheckDueBy: string }> }).items.map((d) => d.variantCheckDueBy))).toEqual(new Set(['SUPPLIER-B']));
    expect(await due('dcc')).toEqual([ESME]);
    expect(await due('dcc', '&responsibleSupplier=SUPPLIER-B')).toEqual([ESME]);
    expect(await due('dcc', '&responsibleSupplier=SUPPLIER-A')).toEqual([]);
    expect(await due('dsp')).toEqual([ESME]);

    // The losing supplier's SR8.4 is refused as before and checks nothing.
    expect((await inventory.update('supplierA', ESME, { esmeVariant: 'A' })).body).toMatchObject({ responseCode: 'E4' });
    expect(await due('supplierB')).toEqual([ESME]);

    const requestId = inventory.requestId('supplierB', ESME);
    const confirmed = await inventory.update('supplierB', ESME, { esmeVariant: 'A' }, requestId);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({
      requestId,
      serviceReference: '8.4',
      deviceId: ESME,
      responseCode: 'I0',
      message: 'ESME Variant A confirmed: the check after the Change of Supplier is recorded, nothing else changed',
    });
    expect(await due('supplierB')).toEqual([]);
    expect(await due('dcc')).toEqual([]);
    expect((await inventory.as('supplierB', 'GET', `/devices/${ESME}`)).body).toMatchObject({ esmeVariant: 'A', variantCheckDueBy: null });

    const history = await historyOf(ESME);
    const deviceEvents = history.filter((e) => e.streamId === `device-${ESME}`);
    expect(deviceEvents.map((e) => e.type)).toEqual([
      'DevicePreNotified',
      'DeviceStatusChanged',
      'ResponsibleSupplierChanged',
      'EsmeVariantCheckRequired',
      'ServiceRequestRefused',
      'EsmeVariantChecked',
    ]);
    expect(deviceEvents[3]).toMatchObject({ data: { deviceId: ESME, gainingSupplier: 'SUPPLIER-B', losingSupplier: 'SUPPLIER-A', esmeVariant: 'A', movedFrom: null } });
    expect(deviceEvents[5]).toMatchObject({
      data: { deviceId: ESME, requestId, supplier: 'SUPPLIER-B', outcome: 'confirmed', esmeVariant: 'A', previousVariant: 'A' },
      actor: { userId: PARTIES.supplierB.sub, partyId: 'SUPPLIER-B' },
    });
    expect((await historyOf(GSME)).map((e) => e.type)).not.toContain('EsmeVariantCheckRequired');
  });

  it('the variant check list: a further Change of Supplier moves the check; other parties are refused; a bad value is 400 naming variantCheck', async () => {
    const { ESME, model } = freshDevices();
    await preNotified('supplierA', ESME, { ...ESME_DETAILS, model });
    await reported(ESME, 'Commissioned');
    await supplierChanged(ESME, 'supplierB');
    await supplierChanged(ESME, 'supplierC');
    const due = async (party: PartyName) => ids((await inventory.as(party, 'GET', `/devices?variantCheck=due&model=${model}`)).body);
    expect(await due('supplierB')).toEqual([]);
    expect(await due('supplierC')).toEqual([ESME]);
    const corrected = await inventory.update('supplierC', ESME, { esmeVariant: 'BD' });
    expect(corrected.body).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from A to BD; ESME Variant check after the Change of Supplier recorded' });
    expect(await due('supplierC')).toEqual([]);

    for (const party of ['manufacturer', 'network'] as PartyName[]) expect((await inventory.as(party, 'GET', '/devices?variantCheck=due')).status).toBe(403);
    expect((await call('GET', `${system.url('inventory')}/devices?variantCheck=due`)).status).toBe(401);
    for (const query of ['variantCheck=maybe', 'variantCheck=DUE', 'variantCheck=', 'variantCheck=due&variantCheck=due']) {
      const bad = await inventory.as('supplierB', 'GET', `/devices?${query}`);
      expect({ query, status: bad.status, errors: (bad.body as { errors: Array<{ field: string }> }).errors }).toEqual({
        query,
        status: 400,
        errors: [{ field: 'variantCheck', reason: expect.stringContaining('due') }],
      });
    }
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
