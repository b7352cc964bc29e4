// The sample files in services/intake/test/fixtures give exactly the outcomes written down below, row by row.
import { SubmissionOutcome } from './validate-submission';
import { ValidationContext } from './validate-row';
import {
  CSP,
  MANUFACTURER,
  TODAY,
  chunksOf,
  collect,
  fixture,
  validateCsvBytes,
} from '../test-support/submission-files';
import { SAMPLE_ITEM } from '../../item-content/test-support/sample-item';

function summary(outcomes: readonly SubmissionOutcome[]): [number, string, ...string[]][] {
  return outcomes.map((outcome) =>
    outcome.kind === 'valid'
      ? [outcome.row, 'valid']
      : [outcome.row, 'rejected', ...outcome.errors.map((error) => `${error.column}:${error.code}`)],
  );
}

const VANTAGE: ValidationContext = {
  submitterSource: 'Device Manufacturer',
  today: TODAY,
  allowedMakes: ['Vantage Meters'],
};

describe('sample submission files', () => {
  it('manufacturer-initial.csv: UTF-8, LF, ISO dates, all 6 rows accepted', async () => {
    const { decoder, outcomes } = validateCsvBytes(fixture('manufacturer-initial.csv'), MANUFACTURER);
    const all = await collect(outcomes);

    expect(decoder.encoding).toBe('utf-8');
    expect(summary(all)).toEqual([2, 3, 4, 5, 6, 7].map((row) => [row, 'valid']));
    const items = all.flatMap((outcome) => (outcome.kind === 'valid' ? [outcome.item] : []));
    expect(items.map((item) => item.identifier)).toEqual(['1001', '1002', '1003', '1004', '1005', '1006']);
    expect(items[0]).toEqual({
      ...SAMPLE_ITEM,
      fixInformation: 'Firmware 00020130 corrects tariff switching at midnight; available on the CPL.',
    });
    expect(items[1]).toMatchObject({ fixAvailable: false, fixInformation: null });
    expect(items[5].fixInformation).toBe('Variant C meters: apply 04000009, then re-read the load profile.');
  });

  it('csp-initial.csv: BOM, CRLF, UK dates and quoted commas, 3 rows accepted from a CSP', async () => {
    const { decoder, outcomes } = validateCsvBytes(fixture('csp-initial.csv'), CSP);
    const all = await collect(outcomes);

    expect(decoder.encoding).toBe('utf-8-bom');
    expect(summary(all)).toEqual([
      [2, 'valid'],
      [3, 'valid'],
      [4, 'valid'],
    ]);
    const items = all.flatMap((outcome) => (outcome.kind === 'valid' ? [outcome.item] : []));
    expect(items.map((item) => [item.identifier, item.deviceType, item.source, item.dateLastUpdated])).toEqual([
      ['77', 'CHF', 'CSP', '2026-03-14'],
      ['78', 'GPF', 'CSP', '2026-03-14'],
      ['79', 'CHF', 'CSP', '2026-07-01'],
    ]);
    expect(items[0].fixInformation).toBe(
      'CHF firmware 38040406 stops the GPF dropping the HAN after 49 days, as advised to suppliers.',
    );
    expect(items[2].fixInformation).toBe('Fixed in 3A000014, roll-out in waves, see advisory HX-2026-07.');
  });

  it('manufacturer-messy-cp1252.csv: 2001 and 2007 accepted, one reason per rejected row, blank ignored', async () => {
    const { decoder, outcomes } = validateCsvBytes(fixture('manufacturer-messy-cp1252.csv'), VANTAGE);
    const all = await collect(outcomes);

    expect(decoder.encoding).toBe('windows-1252');
    expect(summary(all)).toEqual([
      [2, 'valid'],
      [3, 'rejected', 'Device Type:UNKNOWN_DEVICE_TYPE'],
      [4, 'rejected', 'Status of Information:UNKNOWN_STATUS'],
      [5, 'rejected', 'Date last Updated:INVALID_DATE'],
      [6, 'rejected', 'Fix Information:FIX_INFORMATION_REQUIRED'],
      [7, 'rejected', 'Identifier:DUPLICATE_IN_FILE'],
      [8, 'rejected', 'Identifier:INVALID_IDENTIFIER'],
      [9, 'rejected', 'Fix Available:INVALID_YES_NO'],
      [10, 'valid'],
    ]);

    const valid = all.flatMap((outcome) => (outcome.kind === 'valid' ? [outcome.item] : []));
    expect(valid.map((item) => item.identifier)).toEqual(['2001', '2007']);
    expect(valid[0].fixInformation).toBe('Use 00A1B2C5 \u2013 fixes display of \u00a3 balance');
    // Stored as given; neutralising formulas is the export's job.
    expect(valid[1].fixInformation).toBe('=HYPERLINK("http://example.invalid","click")');

    const duplicate = all[5];
    expect(duplicate.kind === 'rejected' && duplicate.errors[0].reason).toMatch(/row 2\b/);
    const impossibleDate = all[3];
    expect(impossibleDate.kind === 'rejected' && impossibleDate.errors[0].reason).toMatch(
      /31\/02\/2026.*not a real calendar date/,
    );
  });

  it('reads the samples the same whatever the chunk size of the upload', async () => {
    const bytes = fixture('manufacturer-messy-cp1252.csv');
    const whole = summary(await collect(validateCsvBytes(bytes, VANTAGE).outcomes));
    for (const size of [1, 2, 3, 7, 64]) {
      expect(summary(await collect(validateCsvBytes(chunksOf(bytes, size), VANTAGE).outcomes))).toEqual(whole);
    }
  });
});
