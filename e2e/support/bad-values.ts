import fc from 'fast-check';
import type { CorpusField } from './openapi-corpus';

/**
 * Kinds of bad input. The first four no service may ever take (the edge refuses them everywhere); the others
 * may be harmless in a search but must never be recorded.
 */
export type BadCategory = 'nul' | 'surrogate' | 'deep' | 'prototype' | 'control' | 'huge' | 'date' | 'number';

export const ALWAYS_REFUSED: ReadonlySet<BadCategory> = new Set(['nul', 'surrogate', 'deep', 'prototype']);

export interface BadValue {
  category: BadCategory;
  /** The value as text, for a path or query (undefined where it has no text form: nesting, objects). */
  text?: string;
  /** The value as JSON text, written by hand where JSON.stringify would not write it. */
  json: string;
  /** How a failure shows it: short, with what is invisible made visible. */
  shown: string;
}

const short = fc.string({ maxLength: 6, unit: 'grapheme-ascii' });

const around = (middle: fc.Arbitrary<string>) => fc.tuple(short, middle, short).map(([before, bad, after]) => `${before}${bad}${after}`);

const textValue = (category: BadCategory) => (text: string): BadValue => ({ category, text, json: JSON.stringify(text), shown: show(text) });

/** Every C0 control character except tab, line feed and carriage return, which free text may hold. */
const CONTROL_CHARACTERS = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).filter((c) => !'\u0000\t\n\r'.includes(c));

export const ODD_DATES = ['2026-02-30', '9999-12-31', '+275760-09-13T00:00:00Z', '-000001-01-01', 'March 7', '9999-Q4', '0000-Q1'];
export const ODD_NUMBERS = ['0x10', '1e3', '-1', 'NaN', '1'.repeat(400)];

/** Just under and just over the 1 MiB body limit: the first reaches validation, the second the limit. */
const HUGE_LENGTHS = [1_000_000, 1024 * 1024 + 1];

const ARBITRARIES: Record<BadCategory, fc.Arbitrary<BadValue>> = {
  nul: around(fc.constant('\u0000')).map(textValue('nul')),
  surrogate: around(fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff')).map(textValue('surrogate')),
  control: around(fc.constantFrom(...CONTROL_CHARACTERS)).map(textValue('control')),
  huge: fc.tuple(fc.constantFrom(...HUGE_LENGTHS), fc.constantFrom('x', 'é', '9')).map(([length, char]) => textValue('huge')(char.repeat(length))),
  // Beside the listed ones (every one is tried first, see examplesOf): days and quarters with a part out of
  // range, or in a year past 9999 or before 1, which no date field can take.
  date: fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .filter(([year, month, day]) => year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31)
      .map(([year, month, day]) => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
    fc
      .tuple(fc.oneof(fc.constantFrom(0, 9999), fc.integer({ min: 10_000, max: 99_999 })), fc.integer({ min: 0, max: 5 }))
      .map(([year, quarter]) => `${String(year).padStart(4, '0')}-Q${quarter}`),
  ).map(textValue('date')),
  // Beside the listed ones: numbers as JavaScript writes them, none of them a plain count.
  number: fc
    .double()
    .map(String)
    .filter((text) => !/^(0|[1-9]\d{0,14})$/.test(text))
    .map(textValue('number')),
  deep: fc.tuple(fc.integer({ min: 33, max: 5000 }), fc.boolean()).map(([depth, arrays]) => {
    const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
    return { category: 'deep', json: `${open.repeat(depth)}1${close.repeat(depth)}`, shown: `${arrays ? 'arrays' : 'objects'} nested ${depth} deep` };
  }),
  prototype: fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => ({ category: 'prototype', json: `{"${key}":{"polluted":true}}`, shown: `{"${key}":{"polluted":true}}` })),
};

/** How many values of each kind every field gets: enough to meet each listed odd value, few enough for CI. */
export const RUNS: Record<BadCategory, number> = { nul: 2, surrogate: 2, control: 2, huge: 2, date: 4, number: 2, deep: 2, prototype: 3 };

/** The kinds of bad value that make sense for a field: no nesting in a URL, dates and numbers where they belong. */
export function categoriesFor(field: CorpusField): BadCategory[] {
  const categories: BadCategory[] = ['nul', 'surrogate', 'control', 'huge'];
  if (field.location === 'body') categories.push('deep', 'prototype');
  if (field.shape === 'date') categories.push('date');
  if (field.shape === 'number') categories.push('number');
  return categories;
}

export function badValues(category: BadCategory): fc.Arbitrary<BadValue> {
  return ARBITRARIES[category];
}

/** Values every field of a kind gets before the generated ones: the odd dates and numbers named in issue #10. */
export function examplesOf(category: BadCategory): BadValue[] {
  if (category === 'date') return ODD_DATES.map(textValue('date'));
  if (category === 'number') return ODD_NUMBERS.map(textValue('number'));
  return [];
}

/** A value as a failure message shows it: escaped, and cut short. */
export function show(text: string, limit = 80): string {
  const escaped = JSON.stringify(text.length > limit ? text.slice(0, limit) : text);
  return text.length > limit ? `${escaped}… (${text.length} characters)` : escaped;
}
