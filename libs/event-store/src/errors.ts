import { ExpectedVersion } from './types';

/** Someone else appended to the stream first; reload and decide again. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number | undefined,
  ) {
    super(
      `stream ${streamId} expected at ${String(expectedVersion)} but is at ${actualVersion === undefined ? 'an unknown newer version' : actualVersion === 0 ? 'no stream' : actualVersion}`,
    );
    this.name = 'ConcurrencyError';
  }
}
