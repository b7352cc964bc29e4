import { uniqueName, waitFor } from '@smi/testing';
import { CHF_DETAILS, ESME_DETAILS, InventoryClient, PARTIES, senderOf } from './support/inventory';
import { TestKafka, TopicReader } from './support/kafka';
import { TestSystem } from './support/system';

interface HistoryEntry {
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string; partyType: string } | null;
  correlationId: string;
  channel?: string;
}

/**
 * The same Service Request contract over Kafka, as a DSP gateway uses it: commands on
 * `<prefix>.inventory.service-requests` keyed by Device ID, answers on `<prefix>.inventory.service-responses`
 * keyed by RequestID; lifecycle reports on `<prefix>.inventory.device-reports`.
 */
describe('inventory: Service Requests and device reports over Kafka', () => {
  const system = new TestSystem();
  const inventory = new InventoryClient(system);
  const kafka = new TestKafka();
  const topic = (base: string) => `${system.topicPrefix}.${base}`;
  const ESME = '00-DB-12-34-56-78-91-A1';
  const CHF = '00-DB-12-34-56-78-91-A0';
  let responses: TopicReader;
  let requestsDlq: TopicReader;
  let reportsDlq: TopicReader;
  let counter = 5000;

  const requestId = (party: keyof typeof PARTIES, deviceId: string) => `${PARTIES[party].sub}:${deviceId}:${++counter}`;

  async function send(command: Record<string, unknown>, key = String(command.deviceId)): Promise<void> {
    await kafka.produce(topic('inventory.service-requests'), [{ key, value: JSON.stringify(command) }]);
  }

  async function report(body: Record<string, unknown>): Promise<void> {
    await kafka.produce(topic('inventory.device-reports'), [{ key: String(body.deviceId), value: JSON.stringify({ sender: senderOf('dsp'), ...body }) }]);
  }

  async function deviceStatus(deviceId: string, status: string): Promise<void> {
    await waitFor(async () => {
      const device = await inventory.as('dcc', 'GET', `/devices/${deviceId}`);
      return (device.body as { status?: string }).status === status;
    }, 60_000, `${deviceId} to be ${status}`);
  }

  beforeAll(async () => {
    await system.start(['inventory']);
    [responses, requestsDlq, reportsDlq] = await Promise.all([
      kafka.read(topic('inventory.service-responses')),
      kafka.read(topic('inventory.service-requests.dlq')),
      kafka.read(topic('inventory.device-reports.dlq')),
    ]);
  });

  afterAll(async () => {
    await kafka.close();
    await system.stop();
  });

  it('SR12.2 over Kafka is answered on the responses topic, keyed by RequestID, with the HTTP body', async () => {
    const id = requestId('supplierA', ESME);
    await send({ serviceReference: '12.2', requestId: id, deviceId: ESME, ...ESME_DETAILS, sender: senderOf('supplierA') });
    const [answer] = await responses.waitForKey(id);
    expect(answer).toEqual({ requestId: id, serviceReference: '12.2', deviceId: ESME, responseCode: 'I0', message: 'device pre-notified with SMI status Pending' });
    const message = responses.received.find((m) => m.key === id);
    expect(message?.headers).toMatchObject({ 'content-type': 'application/json', correlation_id: id });

    const chf = requestId('supplierA', CHF);
    await send({ serviceReference: '12.2', requestId: chf, deviceId: CHF, ...CHF_DETAILS, sender: senderOf('supplierA') });
    expect((await responses.waitForKey(chf))[0]).toMatchObject({ responseCode: 'I0' });
  });

  it('the DSP reports status changes over Kafka; SR8.4 over Kafka corrects the variant in each status', async () => {
    const correct = async (variant: string) => {
      const id = requestId('supplierA', ESME);
      await send({ serviceReference: '8.4', requestId: id, deviceId: ESME, changes: { esmeVariant: variant }, sender: senderOf('supplierA') });
      return (await responses.waitForKey(id))[0];
    };
    expect(await correct('AD')).toMatchObject({ responseCode: 'I0', message: 'inventory updated: esmeVariant' });

    await report({ kind: 'status', reportId: 'dsp-r-1', deviceId: ESME, status: 'InstalledNotCommissioned', reason: 'installed and left' });
    await deviceStatus(ESME, 'InstalledNotCommissioned');
    expect(await correct('ADE')).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from AD to ADE' });

    await report({ kind: 'status', reportId: 'dsp-r-2', deviceId: ESME, status: 'Commissioned', reason: 'commissioned' });
    await deviceStatus(ESME, 'Commissioned');
    expect(await correct('B')).toMatchObject({ responseCode: 'I0', message: 'ESME Variant corrected from ADE to B' });

    const history = (await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] };
    const statusChange = history.events.find((e) => e.type === 'DeviceStatusChanged' && e.data.to === 'Commissioned');
    expect(statusChange).toMatchObject({ correlationId: 'dsp-r-2', channel: 'kafka', actor: { userId: 'dsp-integration', partyType: 'dsp' } });
  });

  it('Change of Supplier over Kafka: the gaining supplier is answered I0, the losing one E4', async () => {
    await report({ kind: 'responsible-supplier', reportId: 'dsp-cos-1', deviceId: ESME, supplierPartyId: 'SUPPLIER-B', supplierUserId: PARTIES.supplierB.sub, effectiveFrom: '2024-06-01' });
    await waitFor(async () => ((await inventory.as('dcc', 'GET', `/devices/${ESME}`)).body as { responsibleSupplier?: string }).responsibleSupplier === 'SUPPLIER-B', 60_000, 'the Change of Supplier');

    const gaining = requestId('supplierB', ESME);
    const losing = requestId('supplierA', ESME);
    await send({ serviceReference: '8.4', requestId: gaining, deviceId: ESME, changes: { esmeVariant: 'BD' }, sender: senderOf('supplierB') });
    await send({ serviceReference: '8.4', requestId: losing, deviceId: ESME, changes: { esmeVariant: 'C' }, sender: senderOf('supplierA') });
    // The gaining supplier's correction is also its ESME Variant check after the Change of Supplier (SECMP0125 §5.6).
    expect((await responses.waitForKey(gaining))[0]).toMatchObject({
      responseCode: 'I0',
      message: 'ESME Variant corrected from B to BD; ESME Variant check after the Change of Supplier recorded',
    });
    expect((await responses.waitForKey(losing))[0]).toMatchObject({ responseCode: 'E4', requestId: losing, deviceId: ESME });

    const history = (await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] };
    expect(history.events.find((e) => e.type === 'EsmeVariantCheckRequired')).toMatchObject({
      correlationId: 'dsp-cos-1',
      channel: 'kafka',
      data: { deviceId: ESME, gainingSupplier: 'SUPPLIER-B', losingSupplier: 'SUPPLIER-A' },
    });
    expect(history.events.find((e) => e.type === 'EsmeVariantChecked')).toMatchObject({ correlationId: gaining, data: { requestId: gaining, outcome: 'corrected', esmeVariant: 'BD' } });
    expect(history.events.find((e) => e.type === 'ServiceRequestRefused' && e.data.requestId === losing)).toMatchObject({
      correlationId: losing,
      channel: 'kafka',
      actor: { userId: PARTIES.supplierA.sub, partyType: 'supplier' },
    });
  });

  it('a retried RequestID re-publishes the first answer and records nothing new', async () => {
    const id = requestId('supplierB', ESME);
    const command = { serviceReference: '8.4', requestId: id, deviceId: ESME, changes: { esmeVariant: 'BDE' }, sender: senderOf('supplierB') };
    await send(command);
    const [first] = await responses.waitForKey(id);
    await send({ ...command, changes: { esmeVariant: 'C' } });
    const [, again] = await responses.waitForKey(id, 2);
    expect(again).toEqual(first);

    const history = (await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] };
    expect(history.events.filter((e) => e.data.requestId === id).map((e) => e.type)).toEqual(['EsmeVariantCorrected', 'ServiceRequestAnswered']);

    // The same RequestID over HTTP gets the same answer: one contract, one record.
    const overHttp = await inventory.update('supplierB', ESME, { esmeVariant: 'C' }, id);
    expect([overHttp.status, overHttp.body]).toEqual([200, first]);
  });

  it('a request first sent over HTTP and retried over Kafka is answered on Kafka with the stored answer', async () => {
    const id = requestId('supplierB', ESME);
    const overHttp = await inventory.update('supplierB', ESME, { esmeVariant: 'A' }, id);
    expect(overHttp.body).toMatchObject({ responseCode: 'I0' });
    await send({ serviceReference: '8.4', requestId: id, deviceId: ESME, changes: { esmeVariant: 'A' }, sender: senderOf('supplierB') });
    expect((await responses.waitForKey(id))[0]).toEqual(overHttp.body);
  });

  it('a malformed command is answered MALFORMED with field errors and records nothing; a non-JSON one goes to the DLQ', async () => {
    const before = ((await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] }).events.length;
    const id = requestId('supplierB', ESME);
    await send({ serviceReference: '8.4', requestId: id, deviceId: ESME, changes: { esmeVariant: 'E', colour: 'red' }, sender: senderOf('supplierB') });
    const [malformed] = await responses.waitForKey<{ responseCode: string; errors: Array<{ field: string }> }>(id);
    expect(malformed).toMatchObject({ requestId: id, serviceReference: '8.4', deviceId: ESME, responseCode: 'MALFORMED', message: expect.stringContaining('changes.esmeVariant') });
    expect(malformed.errors.map((e) => e.field).sort()).toEqual(['changes.colour', 'changes.esmeVariant']);

    const marker = uniqueName('not-json');
    await kafka.produce(topic('inventory.service-requests'), [{ key: ESME, value: `{not json ${marker}` }]);
    const dead = await requestsDlq.waitFor((m) => (m.value?.toString('utf8') ?? '').includes(marker));
    expect(dead.headers.dlq_error_type).toBe('PermanentMessageError');
    expect(dead.headers.dlq_error).toMatch(/not JSON/);

    // The partition moves on: a later command on the same key is answered.
    const later = requestId('supplierB', ESME);
    await send({ serviceReference: '8.4', requestId: later, deviceId: ESME, changes: { esmeVariant: 'CDE' }, sender: senderOf('supplierB') });
    expect((await responses.waitForKey(later))[0]).toMatchObject({ responseCode: 'I0' });
    const after = ((await inventory.as('dcc', 'GET', `/devices/${ESME}/history`)).body as { events: HistoryEntry[] }).events;
    // Only the later request's correction and answer were added.
    expect(after.slice(before).map((e) => `${e.type}:${String(e.data.requestId)}`)).toEqual([`EsmeVariantCorrected:${later}`, `ServiceRequestAnswered:${later}`]);
  });

  it('a report the rules refuse goes to the reports DLQ naming the move, and records nothing', async () => {
    await report({ kind: 'status', reportId: 'dsp-bad-1', deviceId: CHF, status: 'Recovered', reason: 'a move not in the table' });
    const dead = await reportsDlq.waitFor((m) => (m.value?.toString('utf8') ?? '').includes('dsp-bad-1'));
    expect(dead.headers.dlq_error).toMatch(/TRANSITION_NOT_ALLOWED.*Pending.*Recovered/);
    expect((await inventory.as('dcc', 'GET', `/devices/${CHF}`)).body).toMatchObject({ status: 'Pending' });

    // A well-formed report after it on the same partition is applied.
    await report({ kind: 'status', reportId: 'dsp-ok-2', deviceId: CHF, status: 'Whitelisted', reason: 'added to the Comms Hub device log' });
    await deviceStatus(CHF, 'Whitelisted');
  });
});
