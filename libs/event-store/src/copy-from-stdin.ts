import { once } from 'node:events';
import type { ClientBase } from 'pg';

/** The parts of pg's Connection that a COPY FROM STDIN needs (public methods of pg 8, used by its own Query). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

/**
 * `COPY ... FROM STDIN` with the plain `pg` client and no extra package (the event-store bench's raw baselines use
 * it too): pg accepts any object with a `submit`
 * method as a query and hands it the backend's messages, which is all the COPY sub-protocol needs. An error the
 * server reports (a unique violation, a malformed row) rejects with pg's DatabaseError, code and constraint included.
 */
class CopyFromStdin {
  callback?: (error: Error | null) => void;
  rowCount = 0;
  private error?: Error;

  constructor(
    private readonly text: string,
    private readonly chunks: Iterable<Buffer>,
  ) {}

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    void this.pump(connection);
  }

  private async pump(connection: PgConnection): Promise<void> {
    try {
      for (const chunk of this.chunks) {
        // The server refused a row: it drops whatever is still sent, so stop sending it.
        if (this.error) return;
        connection.sendCopyFromChunk(chunk);
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    } catch (error) {
      connection.sendCopyFail(String(error));
    }
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = Number(message.text?.split(' ')[1] ?? 0);
  }

  // pg forgets the active query on an error, so its ReadyForQuery never reaches this one: the error settles it.
  handleError(error: Error): void {
    this.error = error;
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  private settle(error: Error | null): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(error);
  }

  // Not sent for COPY FROM, but pg may call any handler on the active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Streams `chunks` (already in COPY text format, taken one at a time as the socket drains) through `copyStatement`; resolves with the number of rows copied. */
export function copyFromStdin(client: ClientBase, copyStatement: string, chunks: Iterable<Buffer>): Promise<number> {
  return new Promise((resolve, reject) => {
    const copy = new CopyFromStdin(copyStatement, chunks);
    copy.callback = (error) => (error ? reject(error) : resolve(copy.rowCount));
    (client as unknown as { query(submittable: unknown): void }).query(copy);
  });
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const escapeCopy = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

/**
 * One value in COPY text format: backslash, tab, newline and carriage return escaped (so no value can end a row,
 * split a column, or form the end-of-data marker `\.`). Most values have none of them, and are returned as they are.
 */
export function copyText(value: string): string {
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIAL_ALL, escapeCopy) : value;
}
