import { SUBMISSION_COLUMNS, SubmissionColumn } from '@smi/contracts';
import { SubmissionRow } from '../parse/submission-row';
import { ValidationContext, canonicalIdentifier, validateRow } from './validate-row';
import { CSP, MANUFACTURER, MANUFACTURER_CELLS, TODAY } from '../test-support/submission-files';
import { SAMPLE_ITEM } from '../../item-content/test-support/sample-item';

function row(cells: Partial<Record<SubmissionColumn, string>> = {}, number = 2): SubmissionRow {
  return { row: number, cells: { ...MANUFACTURER_CELLS, ...cells }, errors: [] };
}

function codes(cells: Partial<Record<SubmissionColumn, string>>, context: ValidationContext = MANUFACTURER): string[] {
  const result = validateRow(row(cells), context);
  return result.ok ? [] : result.errors.map((error) => `${error.column}:${error.code}`);
}

function item(cells: Partial<Record<SubmissionColumn, string>>, context: ValidationContext = MANUFACTURER) {
  const result = validateRow(row(cells), context);
  if (!result.ok) throw new Error(`unexpected rejection: ${JSON.stringify(result.errors)}`);
  return result.item;
}

describe('validateRow', () => {
  it('turns a valid row into a canonical item', () => {
    expect(item({})).toEqual(SAMPLE_ITEM);
  });

  it('canonicalises glossary spellings, UK dates, Yes/No and hex firmware', () => {
    expect(
      item({
        Identifier: ' 0042 ',
        Make: '  northwind   metering ',
        Model: ' NW-E470 ',
        'Firmware Version': '0002012f',
        'Device Type': 'electricity smart meter',
        Source: 'device manufacturer',
        'Status of Information': 'ISSUE',
        'Date last Updated': '3/2/2026',
        'Fix Available': 'n',
        'Fix Information': '',
      }),
    ).toEqual({
      identifier: '42',
      make: 'Northwind Metering',
      model: 'NW-E470',
      firmwareVersion: '0002012F',
      deviceType: 'ESME',
      source: 'Device Manufacturer',
      statusOfInformation: 'Issue',
      dateLastUpdated: '2026-02-03',
      fixAvailable: false,
      fixInformation: null,
    });
  });

  it('keeps a firmware version that is not 8 hex characters as given (trimmed)', () => {
    expect(item({ 'Firmware Version': ' v2.1.0-rc1 ' }).firmwareVersion).toBe('v2.1.0-rc1');
  });

  it('stores free text exactly, a leading = included', () => {
    expect(item({ 'Fix Information': '=HYPERLINK("x")' }).fixInformation).toBe('=HYPERLINK("x")');
    expect(item({ 'Fix Information': ' +1 line\nnext ' }).fixInformation).toBe(' +1 line\nnext ');
    expect(item({ 'Fix Available': 'No', 'Fix Information': 'workaround: power cycle' }).fixInformation).toBe(
      'workaround: power cycle',
    );
  });

  it.each([
    [{ Identifier: 'abc' }, 'Identifier:INVALID_IDENTIFIER'],
    [{ Identifier: '12.5' }, 'Identifier:INVALID_IDENTIFIER'],
    [{ Identifier: '-3' }, 'Identifier:INVALID_IDENTIFIER'],
    [{ Identifier: '1'.repeat(19) }, 'Identifier:INVALID_IDENTIFIER'],
    [{ Identifier: '' }, 'Identifier:VALUE_REQUIRED'],
    [{ Make: '  ' }, 'Make:VALUE_REQUIRED'],
    [{ Model: 'M'.repeat(101) }, 'Model:VALUE_TOO_LONG'],
    [{ 'Firmware Version': '' }, 'Firmware Version:VALUE_REQUIRED'],
    [{ 'Device Type': 'Smart Meter' }, 'Device Type:UNKNOWN_DEVICE_TYPE'],
    [{ Source: 'Supplier' }, 'Source:UNKNOWN_SOURCE'],
    [{ 'Status of Information': 'Fixed' }, 'Status of Information:UNKNOWN_STATUS'],
    [{ 'Date last Updated': '31/02/2026' }, 'Date last Updated:INVALID_DATE'],
    [{ 'Date last Updated': '2026/03/14' }, 'Date last Updated:INVALID_DATE'],
    [{ 'Date last Updated': '14 March 2026' }, 'Date last Updated:INVALID_DATE'],
    [{ 'Date last Updated': '01/01/1999' }, 'Date last Updated:INVALID_DATE'],
    [{ 'Date last Updated': '26/11/2026' }, 'Date last Updated:DATE_IN_FUTURE'],
    [{ 'Fix Available': 'Maybe' }, 'Fix Available:INVALID_YES_NO'],
    [{ 'Fix Available': '' }, 'Fix Available:VALUE_REQUIRED'],
    [{ 'Fix Information': '   ' }, 'Fix Information:FIX_INFORMATION_REQUIRED'],
    [{ 'Fix Information': 'x'.repeat(4001) }, 'Fix Information:VALUE_TOO_LONG'],
  ])('rejects %j with %s', (cells, expected) => {
    expect(codes(cells)).toEqual([expected]);
  });

  it('accepts today as Date last Updated', () => {
    expect(item({ 'Date last Updated': TODAY }).dateLastUpdated).toBe(TODAY);
  });

  it('rejects a Source that is not the submitter (SOURCE_MISMATCH)', () => {
    expect(codes({ Source: 'CSP' })).toEqual(['Source:SOURCE_MISMATCH']);
    expect(codes({ 'Device Type': 'CHF', Source: 'Device Manufacturer' }, CSP)).toEqual(['Source:SOURCE_MISMATCH']);
  });

  it('lets a CSP declare only Comms Hub device types (DEVICE_TYPE_NOT_ALLOWED)', () => {
    expect(codes({ Make: 'Hexcom', 'Device Type': 'ESME', Source: 'CSP' }, CSP)).toEqual([
      'Device Type:DEVICE_TYPE_NOT_ALLOWED',
    ]);
    expect(item({ Make: 'Hexcom', 'Device Type': 'Gas Proxy Function', Source: 'CSP' }, CSP).deviceType).toBe('GPF');
  });

  it('lets a manufacturer declare only its own makes (MAKE_NOT_DECLARED); no list, no check', () => {
    const result = validateRow(row({ Make: 'Vantage Meters' }), MANUFACTURER);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          row: 2,
          column: 'Make',
          code: 'MAKE_NOT_DECLARED',
          reason: 'Make "Vantage Meters" is not one of your registered makes (Northwind Metering)',
        },
      ],
    });
    const { allowedMakes: _ignored, ...anyMake } = MANUFACTURER;
    expect(item({ Make: 'Vantage Meters' }, anyMake).make).toBe('Vantage Meters');
  });

  it('reports every problem of a row at once, each with row, column, code and reason', () => {
    const result = validateRow(
      row({ Identifier: 'x1', 'Device Type': 'Meter', 'Fix Available': 'Yes', 'Fix Information': '' }, 17),
      MANUFACTURER,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        row: 17,
        column: 'Identifier',
        code: 'INVALID_IDENTIFIER',
        reason: 'Identifier "x1" is not a number (digits 0-9 only)',
      },
      expect.objectContaining({ row: 17, column: 'Device Type', code: 'UNKNOWN_DEVICE_TYPE' }),
      expect.objectContaining({ row: 17, column: 'Fix Information', code: 'FIX_INFORMATION_REQUIRED' }),
    ]);
    expect(result.errors[1].reason).toMatch(/ESME, GSME, CHF, GPF, PPMID, HCALCS, IHD, CAD, TYPE2/);
  });

  it('reports a row of the wrong shape by that alone', () => {
    const shapeError = {
      row: 5,
      column: '*',
      code: 'WRONG_CELL_COUNT' as const,
      reason: 'Row has 3 cells but the header has 10',
    };
    const broken: SubmissionRow = {
      row: 5,
      cells: Object.fromEntries(SUBMISSION_COLUMNS.map((column) => [column, ''])) as Record<SubmissionColumn, string>,
      errors: [shapeError],
    };
    expect(validateRow(broken, MANUFACTURER)).toEqual({ ok: false, errors: [shapeError] });
  });
});

describe('validateRow context', () => {
  it('refuses a today that is not yyyy-mm-dd', () => {
    expect(() => validateRow(row(), { ...MANUFACTURER, today: '25/11/2026' })).toThrow(TypeError);
  });
});

describe('canonicalIdentifier', () => {
  it('keeps digits, drops leading zeros, refuses anything else', () => {
    expect(canonicalIdentifier('0042')).toBe('42');
    expect(canonicalIdentifier('0')).toBe('0');
    expect(canonicalIdentifier('000')).toBe('0');
    expect(canonicalIdentifier(' 7 ')).toBe('7');
    expect(canonicalIdentifier('1e3')).toBeUndefined();
    expect(canonicalIdentifier('')).toBeUndefined();
    expect(canonicalIdentifier('\u0661\u0662')).toBeUndefined();
  });
});
