import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { lastEndedQuarter, parseQuarter, quarterOf, releaseDueBy } from './quarter';
import { CutRelease, ReleaseContents, ReleaseCut, releaseDecider, ReleaseDue } from './release.decider';

const holidays = new EnglandAndWalesBankHolidays();
const decider = releaseDecider(holidays);
const AT = '2026-10-05T09:00:00.000Z';

const counts = { items: 2, byStatusOfInformation: { Issue: 0, Defect: 2, Fix: 0 }, changes: { new: 2, updated: 0, original: 0, removed: 0 } };
const contents: ReleaseContents = {
  catalogue: { published_items: { transactionId: '812', position: '40' }, dcc_items: { transactionId: '812', position: '40' } },
  editions: { dcc: { ...counts, items: 3, byState: { published: 2, queued: 1 }, published: 2, unverified: 1 }, public: counts },
  nonSuppliers: [
    { providerPartyId: 'MFR-NORTHWIND', providerName: 'Northwind Metering Ltd', providerPartyType: 'manufacturer', requests: [{ requestId: 'DR-000001', agreedDeliveryDate: '2026-08-14', status: 'overdue', overdueSince: '2026-09-05' }] },
  ],
  submissions: [{ providerPartyId: 'MFR-ACME', providerName: 'Acme Meters plc', providerPartyType: 'manufacturer', submissions: 1, rows: 12 }],
};

const cut = (label: string, countedAgainst: number | null, today = '2026-10-05'): CutRelease => ({ type: 'CutRelease', label, countedAgainst, contents, today, at: AT });
const released = (number: number, label: string): ReleaseCut => {
  const q = parseQuarter(label);
  return { type: 'ReleaseCut', number, label, period: { from: q.from, to: q.to }, previousRelease: number === 1 ? null : number - 1, cutAt: AT, ...contents };
};
const due = (label: string, dueBy: string, detectedAt: string): ReleaseDue => {
  const q = parseQuarter(label);
  return { type: 'ReleaseDue', label, period: { from: q.from, to: q.to }, dueBy, workingDaysAllowed: 10, detectedAt };
};

describe('quarters', () => {
  it('reads a label as its calendar quarter, and refuses anything else naming the field', () => {
    expect(parseQuarter('2026-Q4')).toEqual({ label: '2026-Q4', from: '2026-10-01', to: '2026-12-31' });
    expect(parseQuarter('2028-Q1')).toEqual({ label: '2028-Q1', from: '2028-01-01', to: '2028-03-31' });
    for (const bad of ['2026-Q5', '2026-q4', '26-Q4', '2026-Q4 ', '3000-Q1', '']) {
      expect(() => parseQuarter(bad)).toThrow(expect.objectContaining({ code: 'INVALID_LABEL', details: { field: 'label' } }));
    }
  });

  it('finds the quarter of a day and the last one ended', () => {
    expect(quarterOf('2026-09-30').label).toBe('2026-Q3');
    expect(quarterOf('2026-10-01').label).toBe('2026-Q4');
    expect(lastEndedQuarter('2026-10-01').label).toBe('2026-Q3');
    expect(lastEndedQuarter('2027-02-10').label).toBe('2026-Q4');
  });

  it('counts ten working days after the quarter ends, skipping weekends and bank holidays', () => {
    // Q3 2026 ends Wednesday 30 September: 1, 2, 5-9, 12, 13, 14 October.
    expect(releaseDueBy(parseQuarter('2026-Q3'), holidays)).toBe('2026-10-14');
    // Q4 2026 ends Thursday 31 December; New Year's Day (Friday) is a bank holiday: 4-8, 11-15 January.
    expect(releaseDueBy(parseQuarter('2026-Q4'), holidays)).toBe('2027-01-15');
  });
});

describe('releases: cutting (given releases / when cut / then ReleaseCut)', () => {
  it('numbers the first release 1, with no release before it', () => {
    given(decider, []).when(cut('2026-Q3', null)).then([released(1, '2026-Q3')]);
  });

  it('numbers the next release one more, counted against the last', () => {
    given(decider, [released(1, '2026-Q2'), released(2, '2026-Q3')]).when(cut('2026-Q4', 2)).then([released(3, '2026-Q4')]);
  });

  it('releases a quarter once: cutting it again is refused, naming the release it is', () => {
    const error = given(decider, [released(1, '2026-Q3')]).when(cut('2026-Q3', 1)).thenThrows('RELEASE_LABEL_EXISTS');
    expect(error.details).toEqual({ field: 'label', release: 1 });
  });

  it('refuses a quarter before the last one released', () => {
    given(decider, [released(1, '2026-Q3')]).when(cut('2026-Q2', 1)).thenThrows('RELEASE_ORDER_CONFLICT');
  });

  it('refuses a quarter that has not started, and a label that is not a quarter', () => {
    given(decider, []).when(cut('2026-Q4', null, '2026-09-30')).thenThrows('RELEASE_PERIOD_NOT_STARTED');
    given(decider, []).when(cut('2026-Q4', null, '2026-10-01')).then([released(1, '2026-Q4')]);
    given(decider, []).when(cut('Q4 2026', null)).thenThrows('INVALID_LABEL');
  });

  it('refuses contents counted against another release than the last (one was cut meanwhile)', () => {
    given(decider, [released(1, '2026-Q2')]).when(cut('2026-Q3', null)).thenThrows('RELEASE_CONFLICT');
  });
});

describe('releases: due (a quarter with no release by its 10th working day after it ends, once)', () => {
  const check = (label: string, today: string, releasesFrom: string | null = '2026-Q1') => ({ type: 'RaiseReleaseDue' as const, label, releasesFrom, today, at: `${today}T08:00:00.000Z` });

  it('raises nothing up to the 10th working day, and ReleaseDue from the day after', () => {
    given(decider, []).when(check('2026-Q3', '2026-10-14')).thenNothingHappens();
    given(decider, []).when(check('2026-Q3', '2026-10-15')).then([due('2026-Q3', '2026-10-14', '2026-10-15T08:00:00.000Z')]);
  });

  it('raises it once', () => {
    given(decider, [due('2026-Q3', '2026-10-14', '2026-10-15T08:00:00.000Z')]).when(check('2026-Q3', '2026-10-20')).thenNothingHappens();
  });

  it('raises nothing for a quarter released, on time or late, or passed by a later release', () => {
    given(decider, [released(1, '2026-Q3')]).when(check('2026-Q3', '2026-10-20')).thenNothingHappens();
    given(decider, [due('2026-Q3', '2026-10-14', '2026-10-15T08:00:00.000Z'), released(1, '2026-Q3')]).when(check('2026-Q3', '2026-10-20')).thenNothingHappens();
    given(decider, [released(1, '2026-Q4')]).when(check('2026-Q3', '2027-01-20')).thenNothingHappens();
  });

  it('does not count the bank holiday after Q4 as a working day', () => {
    given(decider, []).when(check('2026-Q4', '2027-01-15')).thenNothingHappens();
    given(decider, []).when(check('2026-Q4', '2027-01-18')).then([due('2026-Q4', '2027-01-15', '2027-01-18T08:00:00.000Z')]);
  });

  it('raises nothing before the release cycle starts: the quarter configured, or else the first release', () => {
    given(decider, []).when(check('2026-Q3', '2026-10-20', '2026-Q4')).thenNothingHappens();
    given(decider, []).when(check('2026-Q4', '2027-01-20', '2026-Q4')).then([due('2026-Q4', '2027-01-15', '2027-01-20T08:00:00.000Z')]);
    given(decider, []).when(check('2026-Q3', '2026-10-20', null)).thenNothingHappens();
    given(decider, [released(1, '2026-Q2')]).when(check('2026-Q3', '2026-10-20', null)).then([due('2026-Q3', '2026-10-14', '2026-10-20T08:00:00.000Z')]);
  });

  it('decides only events their contracts on publication.events accept', () => {
    for (const { type, ...data } of [released(2, '2026-Q4'), due('2026-Q4', '2027-01-15', '2027-01-18T08:00:00.000Z')]) {
      expect(eventSchemaErrors('publication', type, 1, data)).toEqual([]);
    }
    expect(eventSchemaErrors('publication', 'ReleaseCut', 1, { ...released(1, '2026-Q4'), type: undefined })).not.toEqual([]);
  });
});
