import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { ItemReported, reportDecider, ReportItem, REPORTER_PARTY_TYPES } from './report.decider';

const at = '2026-11-25T10:00:00.000Z';

const report: ReportItem = {
  type: 'ReportItem',
  reportId: 'R-000001',
  reporterPartyId: 'SUP-A',
  reporterPartyType: 'supplier',
  make: ' Northwind Metering ',
  model: 'NW-E1',
  firmwareVersion: '3804040a',
  deviceType: 'Electricity Smart Meter',
  statusOfInformation: 'defect',
  description: 'Meter reboots when the tariff switches at midnight.',
  dateObserved: '14/11/2026',
  reference: ' INC-778 ',
  today: '2026-11-25',
  at,
};

const reported: ItemReported = {
  type: 'ItemReported',
  reportId: 'R-000001',
  reporterPartyId: 'SUP-A',
  reporterPartyType: 'supplier',
  source: 'SEC Party',
  statusOfInformation: 'Defect',
  make: 'Northwind Metering',
  model: 'NW-E1',
  firmwareVersion: '3804040A',
  deviceType: 'ESME',
  description: 'Meter reboots when the tariff switches at midnight.',
  dateObserved: '2026-11-14',
  reference: 'INC-778',
  reportedAt: at,
};

describe('report rules (R4: issues and defects raised by SEC Parties)', () => {
  it('records a supplier defect with the glossary codes, source SEC Party and its status of information', () => {
    given(reportDecider, []).when(report).then([reported]);
  });

  it('records a network party issue without a reference', () => {
    given(reportDecider, [])
      .when({ ...report, reporterPartyId: 'DNO-1', reporterPartyType: 'network', statusOfInformation: 'Issue', reference: undefined })
      .then([{ ...reported, reporterPartyId: 'DNO-1', reporterPartyType: 'network', statusOfInformation: 'Issue', reference: null }]);
  });

  it('records the DCC as source DCC', () => {
    given(reportDecider, [])
      .when({ ...report, reporterPartyId: 'DCC', reporterPartyType: 'dcc' })
      .thenMatches((events) => expect(events[0]).toMatchObject({ source: 'DCC', reporterPartyType: 'dcc' }));
  });

  it('says which party types may report', () => {
    expect([...REPORTER_PARTY_TYPES].sort()).toEqual(['dcc', 'network', 'supplier']);
  });

  it.each(['manufacturer', 'csp', 'secas', 'dsp'])('refuses a report from a %s', (partyType) => {
    given(reportDecider, []).when({ ...report, reporterPartyType: partyType }).thenThrows('FORBIDDEN_REPORTER');
  });

  it('refuses a report that is a Fix, and statuses outside the glossary', () => {
    given(reportDecider, []).when({ ...report, statusOfInformation: 'Fix' }).thenThrows('REPORT_CANNOT_BE_A_FIX');
    given(reportDecider, []).when({ ...report, statusOfInformation: 'Fixed' }).thenThrows('INVALID_STATUS_OF_INFORMATION');
  });

  it('refuses a device type outside the glossary', () => {
    const error = given(reportDecider, []).when({ ...report, deviceType: 'Smart Meter' }).thenThrows('INVALID_DEVICE_TYPE');
    expect(error.details).toMatchObject({ field: 'deviceType' });
  });

  it('refuses blank text fields', () => {
    for (const field of ['make', 'model', 'firmwareVersion', 'description'] as const) {
      const error = given(reportDecider, []).when({ ...report, [field]: '   ' }).thenThrows('INVALID_FIELD');
      expect(error.details).toEqual({ field });
    }
  });

  it('refuses an observation date that is not a real day, too early, or in the future', () => {
    given(reportDecider, []).when({ ...report, dateObserved: '31/02/2026' }).thenThrows('INVALID_DATE');
    given(reportDecider, []).when({ ...report, dateObserved: '1999-12-31' }).thenThrows('INVALID_DATE');
    given(reportDecider, []).when({ ...report, dateObserved: '2026-11-26' }).thenThrows('DATE_IN_FUTURE');
    given(reportDecider, [])
      .when({ ...report, dateObserved: '2026-11-25' })
      .thenMatches((events) => expect(events[0].dateObserved).toBe('2026-11-25'));
  });

  it('refuses to record the same report id twice', () => {
    given(reportDecider, [reported]).when(report).thenThrows('REPORT_EXISTS');
  });

  it('emits events that match the published contract', () => {
    const events = [
      ...given(reportDecider, []).when(report).then([reported]),
      ...given(reportDecider, []).when({ ...report, reporterPartyType: 'dcc', reference: null, statusOfInformation: 'Issue' }).thenMatches(() => undefined),
    ];
    for (const { type, ...data } of events) expect(eventSchemaErrors('intake', type, 1, data)).toEqual([]);
    const { type: _type, ...data } = reported;
    expect(eventSchemaErrors('intake', 'ItemReported', 1, { ...data, statusOfInformation: 'Fix' })).not.toEqual([]);
  });
});
