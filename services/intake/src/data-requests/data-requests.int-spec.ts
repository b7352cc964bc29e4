import { SubmissionRecordedData } from '@smi/contracts';
import { NO_STREAM, PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { waitFor } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { DataRequestsHandler, projectDataRequests } from './data-requests.handler';
import { DataRequestView, NonSuppliersView } from './data-requests.dto';
import { deliveryWindow } from './delivery-window';
import { OverdueScheduler } from './overdue.scheduler';
import { AdjustableClock, IntakeTestApp, startIntakeTestApp } from './test-support/intake-test-app';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { correlationId: string; causationId?: string; actor?: { userId: string; partyId: string } };
}

/**
 * Data requests on the real platform: PostgreSQL, the event store, the outbox relay and the broker.
 * The clock is injected, so the test walks a request across Easter 2026 to the day it is overdue.
 */
describe('data requests (PostgreSQL + Kafka, injected clock)', () => {
  // 20 March 2026, a Friday in GMT; the deadline falls after the clocks go forward.
  const clock = new AdjustableClock('2026-03-20T10:00:00Z');
  let intake: IntakeTestApp;
  let dcc: string;
  let secas: string;
  let northwind: string;
  let comms: string;
  let store: PostgresEventStore;
  const ids: Record<'northwind' | 'comms', string> = { northwind: '', comms: '' };

  const request = async (id: string) => (await intake.call('GET', `/data-requests/${id}`, dcc)).body as DataRequestView;
  const stream = async (id: string) => ((await intake.call('GET', `/audit/streams/data-request-${id}`, dcc)).body as { events: StreamEvent[] }).events;
  const recordSubmission = async (providerPartyId: string, receivedAt: string) => {
    const submissionId = randomUUID();
    const data: SubmissionRecordedData = {
      submissionId,
      providerPartyId,
      providerPartyType: providerPartyId.startsWith('CSP') ? 'csp' : 'manufacturer',
      fileName: 'defects.csv',
      format: 'csv',
      encoding: 'utf-8',
      byteCount: 512,
      rows: 3,
      counts: { accepted: 3, unchanged: 0, revised: 0, rejected: 0 },
      possibleDuplicates: 0,
      rejectionCount: 0,
      receivedAt,
    };
    // Recorded the way the submissions use case records it: on its own stream of intake's event store.
    const appended = await store.append(`submission-${submissionId}`, [{ type: 'SubmissionRecorded', data }], NO_STREAM, { correlationId: `upload-${submissionId}` });
    return { submissionId, eventId: appended.events[0].eventId };
  };

  beforeAll(async () => {
    intake = await startIntakeTestApp({ label: 'intake_dr', clock, overdueCheckIntervalMs: 200 });
    store = intake.app.get<PostgresEventStore>(EVENT_STORE, { strict: false });
    dcc = await intake.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    secas = await intake.token({ party: 'SECAS', partyType: 'secas' });
    northwind = await intake.token({ party: 'MFR-NW', partyType: 'manufacturer' });
    comms = await intake.token({ party: 'CSP-N', partyType: 'csp' });
    for (const party of [
      { partyId: 'MFR-NW', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] },
      { partyId: 'MFR-SW', name: 'Southwind Meters plc', partyType: 'manufacturer', makes: ['Southwind'] },
      { partyId: 'CSP-N', name: 'North Comms', partyType: 'csp', makes: ['NorthHub'] },
      { partyId: 'SUP-A', name: 'Supplier A', partyType: 'supplier', makes: [] },
    ]) {
      expect((await intake.call('POST', '/parties', dcc, party)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await intake?.stop();
  });

  it('DCC issues requests to a manufacturer and a CSP; the window runs 15 working days after the agreed date', async () => {
    const issued = await intake.call('POST', '/data-requests', dcc, { providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-03-26', note: 'Q2 2026 release' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      providerPartyId: 'MFR-NW',
      providerPartyType: 'manufacturer',
      agreedDeliveryDate: '2026-03-26',
      lastDeliveryDay: '2026-04-20',
      overdueFrom: '2026-04-21',
      status: 'open',
      issuedAt: '2026-03-20T10:00:00.000Z',
      overdueSince: null,
      fulfilment: null,
    });
    ids.northwind = (issued.body as DataRequestView).requestId;
    expect(ids.northwind).toMatch(/^DR-\d{6}$/);
    const second = await intake.call('POST', '/data-requests', dcc, { providerPartyId: 'CSP-N', agreedDeliveryDate: '2026-03-26' });
    expect(second.status).toBe(201);
    ids.comms = (second.body as DataRequestView).requestId;

    const [event] = await stream(ids.northwind);
    expect(event).toMatchObject({ type: 'DataRequestIssued', data: { providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-03-26', note: 'Q2 2026 release' } });
    expect(event.metadata.actor).toMatchObject({ partyId: 'DCC' });
    expect(event.metadata.correlationId).toEqual(expect.any(String));
  });

  it('refuses unregistered providers, non-providers, past dates, and anyone but DCC', async () => {
    const refusal = async (body: unknown, token = dcc) => {
      const response = await intake.call('POST', '/data-requests', token, body);
      return { status: response.status, code: (response.body as { code?: string }).code };
    };
    expect(await refusal({ providerPartyId: 'MFR-NOBODY', agreedDeliveryDate: '2026-04-30' })).toEqual({ status: 422, code: 'PROVIDER_NOT_REGISTERED' });
    expect(await refusal({ providerPartyId: 'SUP-A', agreedDeliveryDate: '2026-04-30' })).toEqual({ status: 422, code: 'PROVIDER_NOT_A_DATA_PROVIDER' });
    expect(await refusal({ providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-03-19' })).toEqual({ status: 422, code: 'AGREED_DELIVERY_DATE_IN_PAST' });
    expect(await refusal({ providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-02-30' })).toEqual({ status: 400, code: 'INVALID_AGREED_DELIVERY_DATE' });
    expect((await refusal({ providerPartyId: 'MFR-NW', agreedDeliveryDate: '26/03/2026' })).status).toBe(400);
    expect((await refusal({ providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-04-30' }, northwind)).status).toBe(403);
    expect((await refusal({ providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-04-30' }, secas)).status).toBe(403);
  });

  it('a submission from the provider fulfils its open request, read from intake\'s event store by the fulfilment reaction', async () => {
    const submission = await recordSubmission('CSP-N', '2026-04-01T09:15:00.000Z');
    const fulfilled = await waitFor(async () => {
      const view = await request(ids.comms);
      return view.status === 'fulfilled' ? view : undefined;
    }, 60_000, 'the CSP request to be fulfilled');
    expect(fulfilled.fulfilment).toEqual({ submissionId: submission.submissionId, receivedAt: '2026-04-01T09:15:00.000Z', late: false, fulfilledAt: expect.any(String) });
    const events = await stream(ids.comms);
    expect(events.map((e) => e.type)).toEqual(['DataRequestIssued', 'DataRequestFulfilled']);
    expect(events[1].metadata).toMatchObject({ correlationId: `upload-${submission.submissionId}`, causationId: submission.eventId, actor: { userId: 'system:intake.data-requests' } });
    // The other provider's request is untouched.
    expect((await request(ids.northwind)).status).toBe('open');
  });

  it('is not overdue on the Friday it would be without Easter, nor at 23:59 on the 15th working day (London time)', async () => {
    clock.set('2026-04-17T12:00:00Z'); // without Good Friday and Easter Monday this would be the 16th working day
    expect(await intake.app.get(OverdueScheduler, { strict: false }).checkNow()).toEqual([]);
    clock.set('2026-04-20T22:59:59Z'); // 23:59:59 BST on Monday 20 April, the 15th working day
    expect(await intake.app.get(OverdueScheduler, { strict: false }).checkNow()).toEqual([]);
    expect((await request(ids.northwind)).status).toBe('open');
  });

  it('is overdue from 00:00 London time on the 16th working day, found by the scheduler, recorded once for SECAS', async () => {
    clock.set('2026-04-20T23:00:00Z'); // 00:00 BST on Tuesday 21 April
    const overdue = await waitFor(async () => {
      const view = await request(ids.northwind);
      return view.status === 'overdue' ? view : undefined;
    }, 30_000, 'the scheduler to mark the request overdue');
    expect(overdue.overdueSince).toBe('2026-04-21');

    // More sweeps, on the timer and by hand, change nothing.
    await intake.app.get(OverdueScheduler, { strict: false }).checkNow();
    await intake.app.get(OverdueScheduler, { strict: false }).checkNow();
    const events = await stream(ids.northwind);
    expect(events.map((e) => e.type)).toEqual(['DataRequestIssued', 'DataRequestOverdue']);
    expect(events[1].data).toEqual({
      requestId: ids.northwind,
      providerPartyId: 'MFR-NW',
      agreedDeliveryDate: '2026-03-26',
      lastDeliveryDay: '2026-04-20',
      overdueSince: '2026-04-21',
      workingDaysAllowed: 15,
      detectedAt: '2026-04-20T23:00:00.000Z',
    });
    expect(events[1].metadata.actor).toMatchObject({ userId: 'system:intake.data-requests' });
    expect(events[1].metadata.correlationId).toMatch(/^overdue-check:/);
  });

  it('marks a request once even when several instances check at the same moment', async () => {
    const agreed = '2026-04-22';
    const issued = await intake.call('POST', '/data-requests', dcc, { providerPartyId: 'MFR-SW', agreedDeliveryDate: agreed });
    const id = (issued.body as DataRequestView).requestId;
    const { overdueFrom } = deliveryWindow(agreed, new EnglandAndWalesBankHolidays());
    expect(overdueFrom).toBe('2026-05-15'); // early May bank holiday (4 May) skipped
    clock.set(`${overdueFrom}T08:00:00Z`);
    // Straight to the handler, past the advisory lock: what two instances without it would do.
    const handler = intake.app.get(DataRequestsHandler, { strict: false });
    await Promise.all([handler.markOverdueRequests(), handler.markOverdueRequests(), handler.markOverdueRequests()]);
    const events = await stream(id);
    expect(events.filter((e) => e.type === 'DataRequestOverdue')).toHaveLength(1);
  });

  it('lists by status for DCC and SECAS; a provider sees only its own; others are refused', async () => {
    const list = async (token: string, query = '') => (await intake.call('GET', `/data-requests${query}`, token)).body as DataRequestView[];
    expect((await list(dcc, '?status=overdue')).map((r) => r.providerPartyId).sort()).toEqual(['MFR-NW', 'MFR-SW']);
    expect((await list(secas, '?status=fulfilled')).map((r) => r.requestId)).toEqual([ids.comms]);
    expect(await list(dcc, '?status=open')).toEqual([]);
    expect((await list(northwind)).map((r) => r.requestId)).toEqual([ids.northwind]);
    expect((await list(comms)).map((r) => r.requestId)).toEqual([ids.comms]);
    expect((await intake.call('GET', `/data-requests/${ids.comms}`, northwind)).status).toBe(404);
    expect((await intake.call('GET', `/data-requests/${ids.northwind}`, northwind)).status).toBe(200);
    expect((await intake.call('GET', '/data-requests?status=late', dcc)).status).toBe(400);
    const supplier = await intake.token({ party: 'SUP-A', partyType: 'supplier' });
    expect((await intake.call('GET', '/data-requests', supplier)).status).toBe(403);
  });

  it('names the providers who did not supply, for the cover sheet of the quarter', async () => {
    const sheet = async (quarter: string) => (await intake.call('GET', `/data-requests/non-suppliers?quarter=${quarter}`, secas)).body as NonSuppliersView;
    const q1 = await sheet('2026-Q1');
    expect(q1).toMatchObject({ quarter: '2026-Q1', from: '2026-01-01', to: '2026-03-31' });
    expect(q1.providers).toEqual([
      {
        providerPartyId: 'MFR-NW',
        providerName: 'Northwind Metering Ltd',
        providerPartyType: 'manufacturer',
        requests: [{ requestId: ids.northwind, agreedDeliveryDate: '2026-03-26', status: 'overdue', overdueFrom: '2026-04-21', overdueSince: '2026-04-21' }],
      },
    ]);
    expect((await sheet('2026-Q2')).providers.map((p) => p.providerPartyId)).toEqual(['MFR-SW']);
    expect((await intake.call('GET', '/data-requests/non-suppliers?quarter=2026-Q5', dcc)).status).toBe(400);
    expect((await intake.call('GET', '/data-requests/non-suppliers?quarter=2026-Q1', northwind)).status).toBe(403);
  });

  it('a late submission still fulfils an overdue request, marked late, and takes the provider off the cover sheet', async () => {
    clock.set('2026-04-28T10:00:00Z');
    await recordSubmission('MFR-NW', '2026-04-28T09:00:00.000Z');
    const fulfilled = await waitFor(async () => {
      const view = await request(ids.northwind);
      return view.status === 'fulfilled' ? view : undefined;
    }, 60_000, 'the overdue request to be fulfilled');
    expect(fulfilled).toMatchObject({ overdueSince: '2026-04-21', fulfilment: { late: true, receivedAt: '2026-04-28T09:00:00.000Z' } });
    expect(((await intake.call('GET', '/data-requests/non-suppliers?quarter=2026-Q1', dcc)).body as NonSuppliersView).providers).toEqual([]);
    expect((await stream(ids.northwind)).map((e) => e.type)).toEqual(['DataRequestIssued', 'DataRequestOverdue', 'DataRequestFulfilled']);
  });

  it('refuses an agreed date more than two years ahead, and a quarter outside 1900-2999, recording nothing', async () => {
    const before = ((await intake.call('GET', '/data-requests', dcc)).body as DataRequestView[]).length;
    for (const agreedDeliveryDate of ['9999-12-31', '2028-05-01']) {
      const answer = await intake.call('POST', '/data-requests', dcc, { providerPartyId: 'MFR-NW', agreedDeliveryDate });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'INVALID_AGREED_DELIVERY_DATE', details: { field: 'agreedDeliveryDate' } });
    }
    expect(((await intake.call('GET', '/data-requests', dcc)).body as DataRequestView[]).length).toBe(before);
    for (const quarter of ['9999-Q4', '0000-Q1', '1899-Q4']) {
      const answer = await intake.call('GET', `/data-requests/non-suppliers?quarter=${quarter}`, dcc);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('quarter');
    }
  });

  it('a request recorded with a date past the calendar (before dates were bounded) breaks no read and not the fulfilment reaction', async () => {
    // Recorded as an older version did: agreed 9999-12-31, whose 15 working days run past year 9999.
    const requestId = 'DR-900001';
    const dataSource = intake.app.get(DataSource);
    await dataSource.transaction(async (manager) => {
      const appended = await store.append(
        `data-request-${requestId}`,
        [{ type: 'DataRequestIssued', data: { requestId, providerPartyId: 'MFR-SW', providerPartyType: 'manufacturer', agreedDeliveryDate: '9999-12-31', note: null, issuedAt: '2026-04-28T10:00:00.000Z' } }],
        NO_STREAM,
        { correlationId: 'legacy-9999' },
        manager,
      );
      await projectDataRequests(manager, appended.events);
    });

    const list = await intake.call('GET', '/data-requests', dcc);
    expect(list.status).toBe(200);
    expect((list.body as DataRequestView[]).find((r) => r.requestId === requestId)).toMatchObject({ agreedDeliveryDate: '9999-12-31', lastDeliveryDay: null, overdueFrom: null, status: 'open' });
    expect((await intake.call('GET', `/data-requests/${requestId}`, dcc)).status).toBe(200);
    expect((await intake.call('GET', '/data-requests?status=open', secas)).status).toBe(200);
    expect(await intake.app.get(OverdueScheduler, { strict: false }).checkNow()).not.toContain(requestId);

    // The provider's next submission fulfils it through the reaction (nothing recorded as unreadable), and it cannot be late.
    await recordSubmission('MFR-SW', '2026-04-29T09:00:00.000Z');
    const fulfilled = await waitFor(async () => {
      const view = await request(requestId);
      return view.status === 'fulfilled' ? view : undefined;
    }, 60_000, 'the legacy request to be fulfilled');
    expect(fulfilled.fulfilment).toMatchObject({ late: false, receivedAt: '2026-04-29T09:00:00.000Z' });
  });
  it('records an unreadable stored SubmissionRecorded and goes on: a later submission still fulfils', async () => {
    const issued = await intake.call('POST', '/data-requests', dcc, { providerPartyId: 'MFR-NW', agreedDeliveryDate: '2026-05-20' });
    expect(issued.status).toBe(201);
    const requestId = (issued.body as DataRequestView).requestId;
    // Stored by a faulty writer: no provider, so no request can ever be fulfilled by it.
    const broken = await store.append('submission-broken-1', [{ type: 'SubmissionRecorded', data: { submissionId: 'broken-1', receivedAt: '2026-04-28T11:00:00.000Z' } }], NO_STREAM, {
      correlationId: 'upload-broken-1',
    });
    const submission = await recordSubmission('MFR-NW', '2026-04-29T10:00:00.000Z');
    const fulfilled = await waitFor(async () => {
      const view = await request(requestId);
      return view.status === 'fulfilled' ? view : undefined;
    }, 60_000, 'the request to be fulfilled by the submission after the unreadable one');
    expect(fulfilled.fulfilment).toMatchObject({ submissionId: submission.submissionId });

    const unreadable = await intake.app.get(DataSource).query(`SELECT event_id::text AS event_id, stream_id, event_type, error FROM submission_fulfilment`);
    expect(unreadable).toEqual([
      { event_id: broken.events[0].eventId, stream_id: 'submission-broken-1', event_type: 'SubmissionRecorded', error: 'SubmissionRecorded has no valid providerPartyId' },
    ]);
    const status = (await intake.call('GET', '/ops/projections', dcc)).body as Array<{ projection: string; lag: number; lastError?: string }>;
    expect(status.find((p) => p.projection === 'submission_fulfilment')).toMatchObject({ lag: 0 });
    expect(status.find((p) => p.projection === 'submission_fulfilment')?.lastError).toBeUndefined();
  });

  it('reading every SubmissionRecorded again (a rebuild of the reaction) fulfils nothing twice', async () => {
    const all = (await intake.call('GET', '/data-requests', dcc)).body as DataRequestView[];
    const before = new Map<string, StreamEvent[]>();
    for (const r of all) before.set(r.requestId, await stream(r.requestId));
    const operator = await intake.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
    expect((await intake.call('POST', '/ops/projections/submission_fulfilment/rebuild', operator)).status).toBe(202);
    await waitFor(async () => {
      const progress = (await intake.call('GET', '/ops/projections/submission_fulfilment/rebuild', dcc)).body as { rebuilding: boolean };
      return progress.rebuilding ? undefined : true;
    }, 60_000, 'the reaction to read every submission again');
    for (const r of all) expect(await stream(r.requestId)).toEqual(before.get(r.requestId));
    // The unreadable event is recorded again in the new table, not lost by the rebuild.
    expect(await intake.app.get(DataSource).query(`SELECT stream_id FROM submission_fulfilment`)).toEqual([{ stream_id: 'submission-broken-1' }]);
  });
});
