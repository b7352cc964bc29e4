import { DomainError } from '@smi/decider';

/** Opaque keyset cursors: the last row's sort key as base64url JSON, so clients cannot come to depend on its shape. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a cursor holds, if it is one this API wrote with `arity` parts each passing `valid`; else 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined, arity: number, valid: (part: string, index: number) => boolean): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((part, index) => typeof part === 'string' && valid(part, index))) return key as string[];
  } catch {
    // refused below
  }
  throw new DomainError('INVALID_CURSOR', 'cursor is not one this API returned; start again without it', { field: 'cursor' });
}
