import { canonicalDeviceType, DeviceType, GLOSSARY, glossaryColumn, readGlossaryDate, SubmissionColumn } from '@smi/contracts';
import { DomainError } from '@smi/decider';

/**
 * The device description shared by reports and fix proposals, read by the same glossary rules as a
 * submission row so items from every route are searchable the same way.
 */

const FIRMWARE_SMI_FORM = /^[0-9a-f]{8}$/i;
const DIGITS = /^[0-9]+$/;

/** Glossary length limit of a column, so DTOs and rules share one number. */
export function maxLengthOf(column: SubmissionColumn): number {
  const max = glossaryColumn(column).maxLength;
  if (max === undefined) throw new Error(`glossary column ${column} has no maxLength`);
  return max;
}

/** Trimmed text that must not be empty; `field` names the request field in the refusal. */
export function requiredText(value: string, field: string, column?: SubmissionColumn): string {
  const text = value.trim();
  if (text.length === 0) throw new DomainError('INVALID_FIELD', `${field} must not be empty`, { field });
  if (column && text.length > maxLengthOf(column)) {
    throw new DomainError('INVALID_FIELD', `${field} is longer than ${maxLengthOf(column)} characters`, { field });
  }
  return text;
}

/** The glossary's firmware rule: trimmed; the SMI form (8 hex characters) in upper case. */
export function canonicalFirmwareVersion(value: string, field: string): string {
  const text = requiredText(value, field, 'Firmware Version');
  return FIRMWARE_SMI_FORM.test(text) ? text.toUpperCase() : text;
}

export function requiredDeviceType(value: string, field = 'deviceType'): DeviceType {
  const code = canonicalDeviceType(value);
  if (code === undefined) {
    const accepted = GLOSSARY.valueSets.deviceType.values.map((v) => v.code).join(', ');
    throw new DomainError('INVALID_DEVICE_TYPE', `${field} "${value}" is not a device type in the glossary; use one of ${accepted}`, { field, accepted });
  }
  return code;
}

/** An Identifier as an item key: digits only, leading zeros not significant (glossary Identifier rule). */
export function canonicalIdentifier(value: string, field: string): string {
  const text = value.trim();
  const key = DIGITS.test(text) ? text.replace(/^0+(?=[0-9])/, '') : undefined;
  if (key === undefined || key.length > maxLengthOf('Identifier')) {
    throw new DomainError('INVALID_IDENTIFIER', `${field} must be digits only, at most ${maxLengthOf('Identifier')} significant digits`, { field });
  }
  return key;
}

/**
 * The comparison key for a make: case and repeated spaces do not make a different make, the same
 * way submissions match makes against the party registry.
 */
export function makeKey(make: string): string {
  return make.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A past or present day in a glossary date format, as yyyy-mm-dd; `today` is the London date. */
export function pastDate(value: string, field: string, today: string): string {
  const reading = readGlossaryDate(value);
  const earliest = glossaryColumn('Date last Updated').earliest ?? '0000-01-01';
  const formats = GLOSSARY.dateFormats.map((f) => f.pattern).join(' or ');
  if (!reading.ok) throw new DomainError('INVALID_DATE', `${field} "${value}" is not a real date in the form ${formats}`, { field });
  if (reading.iso < earliest) throw new DomainError('INVALID_DATE', `${field} ${reading.iso} is before ${earliest}`, { field });
  if (reading.iso > today) throw new DomainError('DATE_IN_FUTURE', `${field} ${reading.iso} is after today (${today})`, { field });
  return reading.iso;
}
