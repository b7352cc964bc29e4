import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { DataRequestEvent, DataRequestFulfilled, DataRequestIssued, dataRequestDecider, IssueDataRequest } from './data-request.decider';

const decider = dataRequestDecider(new EnglandAndWalesBankHolidays());

const issue: IssueDataRequest = {
  type: 'IssueDataRequest',
  requestId: 'DR-000001',
  providerPartyId: 'MFR-NW',
  provider: { partyType: 'manufacturer' },
  agreedDeliveryDate: '2026-03-26',
  note: ' Q2 2026 refresh ',
  today: '2026-03-02',
  at: '2026-03-02T10:00:00.000Z',
};

const issued: DataRequestIssued = {
  type: 'DataRequestIssued',
  requestId: 'DR-000001',
  providerPartyId: 'MFR-NW',
  providerPartyType: 'manufacturer',
  agreedDeliveryDate: '2026-03-26',
  note: 'Q2 2026 refresh',
  issuedAt: '2026-03-02T10:00:00.000Z',
};

const fulfil = (receivedAt: string) => ({
  type: 'FulfilDataRequest' as const,
  requestId: 'DR-000001',
  providerPartyId: 'MFR-NW',
  submissionId: 'SUB-1',
  receivedAt,
  at: '2026-04-30T09:00:00.000Z',
});

const markOverdue = (today: string) => ({ type: 'MarkDataRequestOverdue' as const, requestId: 'DR-000001', today, at: `${today}T06:00:00.000Z` });

const overdue: DataRequestEvent = {
  type: 'DataRequestOverdue',
  requestId: 'DR-000001',
  providerPartyId: 'MFR-NW',
  agreedDeliveryDate: '2026-03-26',
  lastDeliveryDay: '2026-04-20',
  overdueSince: '2026-04-21',
  workingDaysAllowed: 15,
  detectedAt: '2026-04-21T06:00:00.000Z',
};

describe('data request rules', () => {
  describe('issuing', () => {
    it('records the request for a registered manufacturer, note trimmed', () => {
      given(decider, []).when(issue).then([issued]);
    });

    it('accepts a CSP and an empty note', () => {
      given(decider, [])
        .when({ ...issue, providerPartyId: 'CSP-N', provider: { partyType: 'csp' }, note: '  ' })
        .then([{ ...issued, providerPartyId: 'CSP-N', providerPartyType: 'csp', note: null }]);
    });

    it('accepts an agreed date of today, and one on a weekend or bank holiday', () => {
      given(decider, []).when({ ...issue, agreedDeliveryDate: '2026-03-02' }).thenMatches((events) => expect(events).toHaveLength(1));
      given(decider, []).when({ ...issue, agreedDeliveryDate: '2026-04-03' }).thenMatches((events) => expect(events).toHaveLength(1));
    });

    it('refuses a provider that is not registered', () => {
      given(decider, []).when({ ...issue, provider: undefined }).thenThrows('PROVIDER_NOT_REGISTERED');
    });

    it.each(['supplier', 'network', 'dcc', 'secas'])('refuses a %s as the provider', (partyType) => {
      given(decider, []).when({ ...issue, provider: { partyType } }).thenThrows('PROVIDER_NOT_A_DATA_PROVIDER');
    });

    it('refuses a date that does not exist, or one already past', () => {
      given(decider, []).when({ ...issue, agreedDeliveryDate: '2026-02-30' }).thenThrows('INVALID_AGREED_DELIVERY_DATE');
      given(decider, []).when({ ...issue, agreedDeliveryDate: '2026-03-01' }).thenThrows('AGREED_DELIVERY_DATE_IN_PAST');
    });

    it('refuses a date more than two years (731 days) after today, so every window stays inside the calendar', () => {
      const today = issue.today;
      const lastAllowed = new Date(Date.parse(`${today}T00:00:00Z`) + 731 * 86_400_000).toISOString().slice(0, 10);
      const firstRefused = new Date(Date.parse(`${today}T00:00:00Z`) + 732 * 86_400_000).toISOString().slice(0, 10);
      given(decider, []).when({ ...issue, agreedDeliveryDate: lastAllowed }).thenMatches((events) => expect(events).toHaveLength(1));
      given(decider, []).when({ ...issue, agreedDeliveryDate: firstRefused }).thenThrows('INVALID_AGREED_DELIVERY_DATE');
      given(decider, []).when({ ...issue, agreedDeliveryDate: '9999-12-31' }).thenThrows('INVALID_AGREED_DELIVERY_DATE');
    });

    it('refuses to issue the same request twice', () => {
      given(decider, [issued]).when(issue).thenThrows('DATA_REQUEST_EXISTS');
    });
  });

  describe('fulfilment by a submission', () => {
    it('fulfils an open request in time', () => {
      given(decider, [issued])
        .when(fulfil('2026-04-20T15:00:00.000Z'))
        .then([{ type: 'DataRequestFulfilled', requestId: 'DR-000001', providerPartyId: 'MFR-NW', submissionId: 'SUB-1', receivedAt: '2026-04-20T15:00:00.000Z', late: false, fulfilledAt: '2026-04-30T09:00:00.000Z' }]);
    });

    it('fulfils late from 00:00 London time on the 16th working day, even before the overdue check ran', () => {
      given(decider, [issued])
        .when(fulfil('2026-04-20T23:30:00.000Z'))
        .thenMatches((events) => expect((events[0] as DataRequestFulfilled).late).toBe(true));
    });

    it('fulfils an overdue request, late', () => {
      given(decider, [issued, overdue])
        .when(fulfil('2026-04-29T10:00:00.000Z'))
        .thenMatches((events) => expect(events).toMatchObject([{ type: 'DataRequestFulfilled', late: true }]));
    });

    it('does nothing for a second submission or a redelivery', () => {
      const fulfilled: DataRequestFulfilled = { type: 'DataRequestFulfilled', requestId: 'DR-000001', providerPartyId: 'MFR-NW', submissionId: 'SUB-1', receivedAt: '2026-04-01T10:00:00.000Z', late: false, fulfilledAt: '2026-04-01T10:00:01.000Z' };
      given(decider, [issued, fulfilled]).when(fulfil('2026-04-01T10:00:00.000Z')).thenNothingHappens();
      given(decider, [issued, fulfilled]).when({ ...fulfil('2026-04-02T10:00:00.000Z'), submissionId: 'SUB-2' }).thenNothingHappens();
    });

    it('is not fulfilled by a submission received before the request was issued', () => {
      given(decider, [issued]).when(fulfil('2026-03-01T10:00:00.000Z')).thenNothingHappens();
    });

    it('refuses a submission from another provider, or for a request that does not exist', () => {
      given(decider, [issued]).when({ ...fulfil('2026-04-01T10:00:00.000Z'), providerPartyId: 'MFR-OTHER' }).thenThrows('SUBMISSION_FROM_OTHER_PROVIDER');
      given(decider, []).when(fulfil('2026-04-01T10:00:00.000Z')).thenThrows('DATA_REQUEST_NOT_FOUND');
    });
  });

  describe('overdue', () => {
    it('is not overdue on the 15th working day after the agreed date (Easter skipped)', () => {
      given(decider, [issued]).when(markOverdue('2026-04-20')).thenNothingHappens();
    });

    it('is overdue on the 16th working day, telling SECAS which provider and since when', () => {
      given(decider, [issued]).when(markOverdue('2026-04-21')).then([overdue]);
    });

    it('keeps the rule date as overdueSince when the check runs later', () => {
      given(decider, [issued])
        .when(markOverdue('2026-05-06'))
        .then([{ ...overdue, detectedAt: '2026-05-06T06:00:00.000Z' }]);
    });

    it('is marked once only', () => {
      given(decider, [issued, overdue]).when(markOverdue('2026-04-22')).thenNothingHappens();
    });

    it('is never marked once fulfilled', () => {
      const fulfilled: DataRequestFulfilled = { type: 'DataRequestFulfilled', requestId: 'DR-000001', providerPartyId: 'MFR-NW', submissionId: 'S', receivedAt: '2026-04-01T10:00:00.000Z', late: false, fulfilledAt: '2026-04-01T10:00:01.000Z' };
      given(decider, [issued, fulfilled]).when(markOverdue('2026-05-01')).thenNothingHappens();
    });

    it('cannot mark a request that does not exist', () => {
      given(decider, []).when(markOverdue('2026-05-01')).thenThrows('DATA_REQUEST_NOT_FOUND');
    });
  });

  describe('events match their published contracts', () => {
    const emitted: DataRequestEvent[] = [
      ...given(decider, []).when(issue).then([issued]),
      ...given(decider, []).when({ ...issue, note: null, provider: { partyType: 'csp' } }).thenMatches(() => undefined),
      ...given(decider, [issued]).when(fulfil('2026-04-20T15:00:00.000Z')).thenMatches(() => undefined),
      ...given(decider, [issued]).when(markOverdue('2026-04-21')).then([overdue]),
    ];

    it.each(emitted.map((event) => [event.type, event] as const))('%s validates against its schema', (type, event) => {
      const { type: _type, ...data } = event;
      expect(eventSchemaErrors('intake', type, 1, data)).toEqual([]);
    });

    it('a schema refuses what the rules never emit', () => {
      const { type: _type, ...data } = issued;
      expect(eventSchemaErrors('intake', 'DataRequestIssued', 1, { ...data, providerPartyType: 'supplier' })).not.toEqual([]);
    });
  });

  describe('a request recorded before agreed dates were bounded, with a window past the calendar', () => {
    const pastTheCalendar: DataRequestIssued = { ...issued, agreedDeliveryDate: '9999-12-31' };

    it('is fulfilled by a submission, never late', () => {
      given(decider, [pastTheCalendar])
        .when(fulfil('2026-04-30T08:00:00.000Z'))
        .thenMatches((events) => expect(events).toEqual([expect.objectContaining({ type: 'DataRequestFulfilled', late: false })]));
    });

    it('is never marked overdue', () => {
      given(decider, [pastTheCalendar]).when(markOverdue('2099-01-01')).thenNothingHappens();
    });
  });
});
