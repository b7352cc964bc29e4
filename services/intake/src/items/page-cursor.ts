import { DomainError } from '@smi/decider';

/** Opaque keyset cursors: the last row's sort key, as base64url JSON, so clients cannot depend on its shape. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string')) return key as string[];
  } catch {
    // reported below
  }
  throw new DomainError('INVALID_CURSOR', 'cursor is not one this API returned; start again without it', { field: 'cursor' });
}
