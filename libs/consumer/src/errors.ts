/**
 * Thrown by a handler for a message that can never succeed (invalid content, a rule it breaks for good):
 * it goes to the dead-letter topic at once instead of being retried.
 */
export class PermanentMessageError extends Error {
  override name = 'PermanentMessageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Retrying cannot fix a PermanentMessageError, nor a SyntaxError (in practice: JSON.parse of a bad payload). */
export function isPermanentByDefault(error: unknown): boolean {
  return error instanceof PermanentMessageError || error instanceof SyntaxError;
}
