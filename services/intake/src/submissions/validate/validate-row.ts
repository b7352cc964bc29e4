import {
  COMMS_HUB_DEVICE_TYPES,
  DeviceType,
  GLOSSARY,
  ItemSource,
  StatusOfInformation,
  SubmissionColumn,
  canonicalDeviceType,
  canonicalSource,
  canonicalStatus,
  glossaryColumn,
  isCommsHubDeviceType,
  parseYesNo,
  readGlossaryDate,
} from '@smi/contracts';
import { RowRejection, RowRejectionCode } from '../submission-errors';
import { SubmissionRow } from '../parse/submission-row';
import { SubmittedItem } from '../../item-content/submitted-item';

export interface ValidationContext {
  /** The Source every row from this submitter must carry (a manufacturer: `Device Manufacturer`). */
  readonly submitterSource: ItemSource;
  /** The submission day (yyyy-mm-dd, UK calendar); a Date last Updated after it is rejected. */
  readonly today: string;
  /** Makes registered to the submitter, any case; when undefined, Make is not checked against a list. */
  readonly allowedMakes?: readonly string[];
}

export type RowValidation =
  | { readonly ok: true; readonly item: SubmittedItem }
  | { readonly ok: false; readonly errors: readonly RowRejection[] };

const FIRMWARE_SMI_FORM = /^[0-9a-f]{8}$/i;
const DIGITS = /^[0-9]+$/;
const ISO_DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const DATE_PATTERNS = GLOSSARY.dateFormats.map((format) => format.pattern).join(' or ');

/** The item key form of an Identifier cell (digits, leading zeros dropped), or `undefined` if not numeric. */
export function canonicalIdentifier(text: string): string | undefined {
  const trimmed = text.trim();
  if (!DIGITS.test(trimmed)) return undefined;
  return trimmed.replace(/^0+(?=[0-9])/, '');
}

function makeKey(make: string): string {
  return make.trim().replace(/\s+/g, ' ').toLowerCase();
}

interface DeclaredMakes {
  readonly byKey: ReadonlyMap<string, string>;
  /** Make cells already read, exactly as written: a file spells its makes the same way on thousands of rows. */
  readonly read: Map<string, string | undefined>;
}

const MAKE_SPELLINGS_REMEMBERED = 256;

/**
 * The submitter's makes by their compared form, worked out once per list rather than for every registered make on
 * every row. Keyed by the list itself: one ValidationContext serves a whole file.
 */
const declaredMakes = new WeakMap<readonly string[], DeclaredMakes>();

function declaredMake(allowedMakes: readonly string[], make: string): string | undefined {
  let declared = declaredMakes.get(allowedMakes);
  if (declared === undefined) {
    const byKey = new Map<string, string>();
    // The first registered spelling wins, as `find` did.
    for (const allowed of allowedMakes) if (!byKey.has(makeKey(allowed))) byKey.set(makeKey(allowed), allowed);
    declared = { byKey, read: new Map() };
    declaredMakes.set(allowedMakes, declared);
  }
  if (declared.read.has(make)) return declared.read.get(make);
  const found = declared.byKey.get(makeKey(make));
  if (declared.read.size >= MAKE_SPELLINGS_REMEMBERED) declared.read.clear();
  declared.read.set(make, found);
  return found;
}

function acceptedList(values: readonly { readonly code: string }[]): string {
  return values.map((value) => value.code).join(', ');
}

/**
 * Checks one row against the glossary and the column rules and, when it passes, returns the item in
 * canonical form. Every problem of the row is reported, not just the first, so a provider can fix a row
 * in one go. Rows whose shape was already wrong (cell count) are reported as that alone: their cells are
 * probably shifted and per-column messages would mislead.
 */
export function validateRow(row: SubmissionRow, context: ValidationContext): RowValidation {
  // A malformed `today` would make every date comparison quietly wrong, so it is a programming error.
  if (!ISO_DAY.test(context.today)) {
    throw new TypeError(`ValidationContext.today must be yyyy-mm-dd, got "${context.today}"`);
  }
  if (row.errors.length > 0) return { ok: false, errors: row.errors };
  const errors: RowRejection[] = [];
  const reject = (column: SubmissionColumn, code: RowRejectionCode, reason: string): undefined => {
    errors.push({ row: row.row, column, code, reason });
    return undefined;
  };
  const cell = (column: SubmissionColumn): string => row.cells[column];

  /** Trimmed non-empty text within the column's length, or undefined after recording why not. */
  const requiredText = (column: SubmissionColumn): string | undefined => {
    const value = cell(column).trim();
    if (value === '') return reject(column, 'VALUE_REQUIRED', `${column} is required`);
    const maxLength = glossaryColumn(column).maxLength;
    if (maxLength !== undefined && value.length > maxLength) {
      return reject(column, 'VALUE_TOO_LONG', `${column} is ${value.length} characters; at most ${maxLength}`);
    }
    return value;
  };

  const identifier = ((): string | undefined => {
    // Its length limit counts significant digits, so it is checked here rather than in requiredText.
    const text = cell('Identifier').trim();
    if (text === '') return reject('Identifier', 'VALUE_REQUIRED', 'Identifier is required');
    const key = canonicalIdentifier(text);
    if (key === undefined) {
      return reject('Identifier', 'INVALID_IDENTIFIER', `Identifier "${text}" is not a number (digits 0-9 only)`);
    }
    const maxDigits = glossaryColumn('Identifier').maxLength ?? Number.POSITIVE_INFINITY;
    if (key.length > maxDigits) {
      return reject('Identifier', 'INVALID_IDENTIFIER', `Identifier has ${key.length} digits; at most ${maxDigits}`);
    }
    return key;
  })();

  const make = ((): string | undefined => {
    const text = requiredText('Make');
    if (text === undefined || context.allowedMakes === undefined) return text;
    const declared = declaredMake(context.allowedMakes, text);
    if (declared === undefined) {
      return reject(
        'Make',
        'MAKE_NOT_DECLARED',
        `Make "${text}" is not one of your registered makes (${context.allowedMakes.join(', ')})`,
      );
    }
    // The registered spelling keeps one make under one name, so searches by make find every item.
    return declared.trim();
  })();

  const model = requiredText('Model');

  const firmwareVersion = ((): string | undefined => {
    const text = requiredText('Firmware Version');
    return text !== undefined && FIRMWARE_SMI_FORM.test(text) ? text.toUpperCase() : text;
  })();

  const deviceType = ((): DeviceType | undefined => {
    const text = requiredText('Device Type');
    if (text === undefined) return undefined;
    const code = canonicalDeviceType(text);
    if (code === undefined) {
      return reject(
        'Device Type',
        'UNKNOWN_DEVICE_TYPE',
        `Device Type "${text}" is not in the glossary; ` +
          `use one of ${acceptedList(GLOSSARY.valueSets.deviceType.values)}`,
      );
    }
    if (context.submitterSource === 'CSP' && !isCommsHubDeviceType(code)) {
      return reject(
        'Device Type',
        'DEVICE_TYPE_NOT_ALLOWED',
        `A CSP may only submit Comms Hub device types (${COMMS_HUB_DEVICE_TYPES.join(', ')}), not ${code}`,
      );
    }
    return code;
  })();

  const source = ((): ItemSource | undefined => {
    const text = requiredText('Source');
    if (text === undefined) return undefined;
    const code = canonicalSource(text);
    if (code === undefined) {
      return reject(
        'Source',
        'UNKNOWN_SOURCE',
        `Source "${text}" is not in the glossary; use one of ${acceptedList(GLOSSARY.valueSets.source.values)}`,
      );
    }
    if (code !== context.submitterSource) {
      return reject(
        'Source',
        'SOURCE_MISMATCH',
        `Source is ${code} but this submission comes from a ${context.submitterSource}`,
      );
    }
    return code;
  })();

  const statusOfInformation = ((): StatusOfInformation | undefined => {
    const text = requiredText('Status of Information');
    if (text === undefined) return undefined;
    const code = canonicalStatus(text);
    if (code === undefined) {
      const allowed = acceptedList(GLOSSARY.valueSets.statusOfInformation.values);
      const reason = `Status of Information "${text}" is not one of ${allowed}`;
      return reject('Status of Information', 'UNKNOWN_STATUS', reason);
    }
    return code;
  })();

  const dateLastUpdated = ((): string | undefined => {
    const column = 'Date last Updated';
    const text = requiredText(column);
    if (text === undefined) return undefined;
    const reading = readGlossaryDate(text);
    if (!reading.ok) {
      return reject(
        column,
        'INVALID_DATE',
        reading.problem === 'calendar'
          ? `${column} "${text}" is not a real calendar date`
          : `${column} "${text}" is not a date in one of the formats ${DATE_PATTERNS}`,
      );
    }
    const earliest = glossaryColumn(column).earliest;
    if (earliest !== undefined && reading.iso < earliest) {
      return reject(column, 'INVALID_DATE', `${column} ${reading.iso} is before ${earliest}`);
    }
    if (reading.iso > context.today) {
      return reject(column, 'DATE_IN_FUTURE', `${column} ${reading.iso} is after today (${context.today})`);
    }
    return reading.iso;
  })();

  const fixAvailable = ((): boolean | undefined => {
    const text = requiredText('Fix Available');
    if (text === undefined) return undefined;
    const answer = parseYesNo(text);
    if (answer === undefined) {
      return reject('Fix Available', 'INVALID_YES_NO', `Fix Available "${text}" is not Yes or No`);
    }
    return answer;
  })();

  const fixInformation = ((): string | null | undefined => {
    // Free text is kept exactly as given (a leading `=` included); export is where it is made safe.
    const text = cell('Fix Information');
    if (text.trim() === '') {
      if (fixAvailable === true) {
        return reject(
          'Fix Information',
          'FIX_INFORMATION_REQUIRED',
          'Fix Information is required when Fix Available is Yes',
        );
      }
      return null;
    }
    const maxLength = glossaryColumn('Fix Information').maxLength;
    if (maxLength !== undefined && text.length > maxLength) {
      const reason = `Fix Information is ${text.length} characters; at most ${maxLength}`;
      return reject('Fix Information', 'VALUE_TOO_LONG', reason);
    }
    return text;
  })();

  if (
    errors.length > 0 ||
    identifier === undefined ||
    make === undefined ||
    model === undefined ||
    firmwareVersion === undefined ||
    deviceType === undefined ||
    source === undefined ||
    statusOfInformation === undefined ||
    dateLastUpdated === undefined ||
    fixAvailable === undefined ||
    fixInformation === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    item: {
      identifier,
      make,
      model,
      firmwareVersion,
      deviceType,
      source,
      statusOfInformation,
      dateLastUpdated,
      fixAvailable,
      fixInformation,
    },
  };
}
