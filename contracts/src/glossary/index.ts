// Typed access to the published glossary (SECMP0137 R8, docs/domain.md). The JSON file is the single
// source: the unions below only mirror it for the compiler, and the module refuses to load if the two ever
// disagree, so a change to allowed values cannot reach validation through one and not the other.
import glossaryJson from '../../glossary/glossary.json';

export const DEVICE_TYPES = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS', 'IHD', 'CAD', 'TYPE2'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const ITEM_SOURCES = ['Device Manufacturer', 'CSP', 'SEC Party', 'DCC'] as const;
export type ItemSource = (typeof ITEM_SOURCES)[number];

export const STATUSES_OF_INFORMATION = ['Issue', 'Defect', 'Fix'] as const;
export type StatusOfInformation = (typeof STATUSES_OF_INFORMATION)[number];

export const SUBMISSION_COLUMNS = [
  'Identifier',
  'Make',
  'Model',
  'Firmware Version',
  'Device Type',
  'Source',
  'Status of Information',
  'Date last Updated',
  'Fix Available',
  'Fix Information',
] as const;
export type SubmissionColumn = (typeof SUBMISSION_COLUMNS)[number];

export type ColumnType = 'numeric' | 'text' | 'date' | 'yesNo';
export type ValueSetName = 'deviceType' | 'source' | 'statusOfInformation' | 'yesNo';

export interface GlossaryTerm {
  readonly term: string;
  readonly abbreviation?: string;
  readonly definition: string;
}

export interface GlossaryColumn {
  readonly name: SubmissionColumn;
  /** Name of the matching field of a submitted item. */
  readonly field: string;
  readonly type: ColumnType;
  /** Whether every row must have a value (the column itself is always required in the header). */
  readonly required: boolean;
  readonly requiredWhen?: string;
  readonly maxLength?: number;
  readonly valueSet?: ValueSetName;
  /** Earliest acceptable date (yyyy-mm-dd), for date columns. */
  readonly earliest?: string;
  readonly definition: string;
  readonly rule: string;
}

export interface GlossaryValue<Code extends string = string> {
  readonly code: Code;
  readonly label: string;
  readonly definition: string;
  /** Spellings a submission may use for this value; compared with {@link glossaryKey}. */
  readonly accepted: readonly string[];
  readonly commsHub?: boolean;
  readonly value?: boolean;
}

export interface GlossaryValueSet<Code extends string = string> {
  readonly name: string;
  readonly definition: string;
  readonly values: readonly GlossaryValue<Code>[];
}

export interface GlossaryDateFormat {
  readonly name: string;
  readonly pattern: string;
  readonly example: string;
  readonly definition: string;
  /** Regular expression with named groups `year`, `month` and `day`. */
  readonly regex: string;
}

export interface Glossary {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly matching: { readonly description: string };
  readonly terms: readonly GlossaryTerm[];
  readonly columns: readonly GlossaryColumn[];
  readonly valueSets: {
    readonly deviceType: GlossaryValueSet<DeviceType>;
    readonly source: GlossaryValueSet<ItemSource>;
    readonly statusOfInformation: GlossaryValueSet<StatusOfInformation>;
    readonly yesNo: GlossaryValueSet<'Yes' | 'No'>;
  };
  readonly dateFormats: readonly GlossaryDateFormat[];
}

/**
 * The comparison key for glossary matching: spreadsheets and people vary case, spacing and hyphenation
 * ("Comms-Hub Function", "comms hub function"), none of which changes the meaning of a term.
 */
export function glossaryKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/[\s\-_]+/g, '');
}

function sameMembers(what: string, actual: readonly string[], expected: readonly string[]): void {
  const missing = expected.filter((code) => !actual.includes(code));
  const extra = actual.filter((code) => !expected.includes(code));
  if (missing.length > 0 || extra.length > 0 || actual.length !== expected.length) {
    throw new Error(
      `Glossary ${what} do not match the code: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`,
    );
  }
}

function spellingIndex<Code extends string>(what: string, set: GlossaryValueSet<Code>): ReadonlyMap<string, Code> {
  const index = new Map<string, Code>();
  for (const value of set.values) {
    for (const spelling of [value.code, value.label, ...value.accepted]) {
      const key = glossaryKey(spelling);
      const already = index.get(key);
      if (already !== undefined && already !== value.code) {
        throw new Error(`Glossary ${what}: spelling "${spelling}" is accepted for both ${already} and ${value.code}`);
      }
      index.set(key, value.code);
    }
  }
  return index;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function checkGlossary(raw: typeof glossaryJson): Glossary {
  const sets = raw.valueSets;
  sameMembers('device types', sets.deviceType.values.map((v) => v.code), DEVICE_TYPES);
  sameMembers('sources', sets.source.values.map((v) => v.code), ITEM_SOURCES);
  sameMembers('statuses of information', sets.statusOfInformation.values.map((v) => v.code), STATUSES_OF_INFORMATION);
  sameMembers('yes/no values', sets.yesNo.values.map((v) => v.code), ['Yes', 'No']);
  sameMembers('columns', raw.columns.map((c) => c.name), SUBMISSION_COLUMNS);
  for (const column of raw.columns) {
    if (column.valueSet !== undefined && !(column.valueSet in sets)) {
      throw new Error(`Glossary column ${column.name} names an unknown value set ${column.valueSet}`);
    }
  }
  for (const format of raw.dateFormats) {
    const groups = new RegExp(format.regex).exec(format.example)?.groups;
    if (groups?.year === undefined || groups.month === undefined || groups.day === undefined) {
      throw new Error(`Glossary date format ${format.name} does not match its own example`);
    }
  }
  // Checked just above against the literal unions, so the narrowing is safe.
  return deepFreeze(raw as unknown as Glossary);
}

export const GLOSSARY: Glossary = checkGlossary(glossaryJson);

const DEVICE_TYPE_INDEX = spellingIndex('device types', GLOSSARY.valueSets.deviceType);
const SOURCE_INDEX = spellingIndex('sources', GLOSSARY.valueSets.source);
const STATUS_INDEX = spellingIndex('statuses of information', GLOSSARY.valueSets.statusOfInformation);
const YES_NO_INDEX = spellingIndex('yes/no values', GLOSSARY.valueSets.yesNo);
const COLUMN_INDEX: ReadonlyMap<string, SubmissionColumn> = new Map(
  GLOSSARY.columns.map((column) => [glossaryKey(column.name), column.name]),
);
const COLUMN_BY_NAME: ReadonlyMap<SubmissionColumn, GlossaryColumn> = new Map(
  GLOSSARY.columns.map((column) => [column.name, column]),
);
const DATE_FORMATS = GLOSSARY.dateFormats.map((format) => ({ format, regex: new RegExp(format.regex) }));

export const COMMS_HUB_DEVICE_TYPES: readonly DeviceType[] = Object.freeze(
  GLOSSARY.valueSets.deviceType.values.filter((value) => value.commsHub === true).map((value) => value.code),
);

/** Cells read this way take a handful of spellings per file; more than this are not worth remembering. */
const SPELLINGS_REMEMBERED = 256;

/**
 * The code a cell's exact text reads as, remembering the texts already read: a file spells each value the same
 * way on thousands of rows, and glossaryKey (NFKC normalisation and two regular expressions) was a tenth of the
 * time spent validating a row. The answer depends on the text alone, so remembering it changes nothing else.
 */
function spellingReader<Code extends string>(index: ReadonlyMap<string, Code>): (text: string) => Code | undefined {
  const read = new Map<string, Code | undefined>();
  return (text) => {
    if (read.has(text)) return read.get(text);
    const code = index.get(glossaryKey(text));
    if (read.size >= SPELLINGS_REMEMBERED) read.clear();
    read.set(text, code);
    return code;
  };
}

const readDeviceType = spellingReader(DEVICE_TYPE_INDEX);
const readSource = spellingReader(SOURCE_INDEX);
const readStatus = spellingReader(STATUS_INDEX);
const readYesNo = spellingReader(YES_NO_INDEX);

export function canonicalDeviceType(text: string): DeviceType | undefined {
  return readDeviceType(text);
}

export function canonicalSource(text: string): ItemSource | undefined {
  return readSource(text);
}

export function canonicalStatus(text: string): StatusOfInformation | undefined {
  return readStatus(text);
}

/** `true` for an accepted spelling of Yes, `false` for No, `undefined` for anything else. */
export function parseYesNo(text: string): boolean | undefined {
  const code = readYesNo(text);
  return code === undefined ? undefined : code === 'Yes';
}

/** The glossary column a header cell names (case, spaces and hyphens ignored). */
export function canonicalColumn(text: string): SubmissionColumn | undefined {
  return COLUMN_INDEX.get(glossaryKey(text));
}

export function glossaryColumn(name: SubmissionColumn): GlossaryColumn {
  const column = COLUMN_BY_NAME.get(name);
  if (column === undefined) throw new Error(`No glossary column ${name}`);
  return column;
}

export function isCommsHubDeviceType(deviceType: DeviceType): boolean {
  return COMMS_HUB_DEVICE_TYPES.includes(deviceType);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC avoids any daylight-saving edge.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export type DateReading =
  | { readonly ok: true; readonly iso: string }
  | { readonly ok: false; readonly problem: 'format' | 'calendar' };

/**
 * Reads a date written in any glossary date format. `format` means no format matched; `calendar` means
 * it looked like a date but names no real day (31/02/2026).
 */
export function readGlossaryDate(text: string): DateReading {
  const trimmed = text.trim();
  for (const { regex } of DATE_FORMATS) {
    const groups = regex.exec(trimmed)?.groups;
    if (groups === undefined) continue;
    const year = Number(groups.year);
    const month = Number(groups.month);
    const day = Number(groups.day);
    if (!isRealDate(year, month, day)) return { ok: false, problem: 'calendar' };
    const iso = `${groups.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return { ok: true, iso };
  }
  return { ok: false, problem: 'format' };
}

/** The ISO form (yyyy-mm-dd) of a date in any glossary date format, or `undefined`. */
export function canonicalDate(text: string): string | undefined {
  const reading = readGlossaryDate(text);
  return reading.ok ? reading.iso : undefined;
}
