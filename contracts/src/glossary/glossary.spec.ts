import {
  COMMS_HUB_DEVICE_TYPES,
  DEVICE_TYPES,
  GLOSSARY,
  SUBMISSION_COLUMNS,
  canonicalColumn,
  canonicalDate,
  canonicalDeviceType,
  canonicalSource,
  canonicalStatus,
  glossaryKey,
  parseYesNo,
  readGlossaryDate,
} from './index';

describe('glossary', () => {
  it('defines every submission column with a type and a rule', () => {
    expect(GLOSSARY.columns.map((column) => column.name)).toEqual([...SUBMISSION_COLUMNS]);
    for (const column of GLOSSARY.columns) {
      expect(column.definition.length).toBeGreaterThan(0);
      expect(column.rule.length).toBeGreaterThan(0);
      expect(['numeric', 'text', 'date', 'yesNo']).toContain(column.type);
    }
  });

  it('defines every device type, source, status and yes/no value with accepted spellings', () => {
    const sets = Object.values(GLOSSARY.valueSets);
    for (const set of sets) {
      for (const value of set.values) {
        expect(value.definition.length).toBeGreaterThan(0);
        expect(value.accepted).toContain(value.code);
      }
    }
    expect(GLOSSARY.valueSets.deviceType.values.map((value) => value.code)).toEqual([...DEVICE_TYPES]);
  });

  it('defines general terms such as Device Model Combination', () => {
    expect(GLOSSARY.terms.find((term) => term.abbreviation === 'DMC')?.term).toBe('Device Model Combination');
  });

  it('is frozen so no caller can change what validation accepts', () => {
    expect(Object.isFrozen(GLOSSARY.valueSets.deviceType.values[0].accepted)).toBe(true);
  });

  it.each([
    ['ESME', 'ESME'],
    ['esme', 'ESME'],
    ['Electricity Smart Meter', 'ESME'],
    ['  electricity smart meter ', 'ESME'],
    ['Comms Hub Function', 'CHF'],
    ['COMMS-HUB FUNCTION', 'CHF'],
    ['communications hub function', 'CHF'],
    ['Gas Proxy Function', 'GPF'],
    ['Type 2', 'TYPE2'],
    ['type2', 'TYPE2'],
    ['In-Home Display', 'IHD'],
    ['HAN Connected Auxiliary Load Control Switch', 'HCALCS'],
  ])('reads device type %j as %s', (text, code) => {
    expect(canonicalDeviceType(text)).toBe(code);
  });

  it.each(['Smart Meter', 'Comms Hub', 'meter', '', 'ESME2'])('does not read %j as a device type', (text) => {
    expect(canonicalDeviceType(text)).toBeUndefined();
  });

  it('reads sources and statuses, case-insensitively', () => {
    expect(canonicalSource('device manufacturer')).toBe('Device Manufacturer');
    expect(canonicalSource('Communications Service Provider')).toBe('CSP');
    expect(canonicalSource('sec party')).toBe('SEC Party');
    expect(canonicalSource('dcc')).toBe('DCC');
    expect(canonicalSource('Supplier')).toBeUndefined();
    expect(canonicalStatus('DEFECT')).toBe('Defect');
    expect(canonicalStatus('issue')).toBe('Issue');
    expect(canonicalStatus('Fix')).toBe('Fix');
    expect(canonicalStatus('Fixed')).toBeUndefined();
  });

  it.each([
    ['Yes', true],
    ['y', true],
    ['YES', true],
    ['No', false],
    ['n', false],
    [' no ', false],
    ['Maybe', undefined],
    ['true', undefined],
    ['', undefined],
  ])('reads %j as %s', (text, value) => {
    expect(parseYesNo(text)).toBe(value);
  });

  it('matches column headings ignoring case and spaces', () => {
    expect(canonicalColumn('date LAST updated')).toBe('Date last Updated');
    expect(canonicalColumn('FirmwareVersion')).toBe('Firmware Version');
    expect(canonicalColumn('\uFEFFIdentifier')).toBe('Identifier');
    expect(canonicalColumn('Firmwre Version')).toBeUndefined();
  });

  it('reads UK and ISO dates to ISO and refuses days that do not exist', () => {
    expect(canonicalDate('14/03/2026')).toBe('2026-03-14');
    expect(canonicalDate('3/2/2026')).toBe('2026-02-03');
    expect(canonicalDate('2026-02-03')).toBe('2026-02-03');
    expect(canonicalDate('29/02/2024')).toBe('2024-02-29');
    expect(readGlossaryDate('31/02/2026')).toEqual({ ok: false, problem: 'calendar' });
    expect(readGlossaryDate('29/02/2026')).toEqual({ ok: false, problem: 'calendar' });
    expect(readGlossaryDate('2026-13-01')).toEqual({ ok: false, problem: 'calendar' });
    expect(readGlossaryDate('03-02-2026')).toEqual({ ok: false, problem: 'format' });
    expect(readGlossaryDate('2026/02/03')).toEqual({ ok: false, problem: 'format' });
  });

  it('names the Comms Hub device types', () => {
    expect(COMMS_HUB_DEVICE_TYPES).toEqual(['CHF', 'GPF']);
  });

  it('normalises keys the same way for every lookup', () => {
    expect(glossaryKey(' Comms_Hub-Function ')).toBe('commshubfunction');
  });
});
