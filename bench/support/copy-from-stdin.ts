import { once } from 'node:events';
import type { Client } from 'pg';

/** The parts of pg's Connection that a COPY FROM STDIN needs (public methods of pg 8, used by its own Query). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

/**
 * `COPY ... FROM STDIN` with the plain `pg` client and no extra package: pg accepts any object with a `submit`
 * method as a query and hands it the backend's messages, which is all the COPY sub-protocol needs. The chunks
 * must already be in COPY text format.
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

  handleError(error: Error): void {
    this.error = error;
  }

  handleReadyForQuery(): void {
    this.callback?.(this.error ?? null);
  }

  // Not sent for COPY FROM, but pg may call any handler on the active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Streams `chunks` through `COPY <target> FROM STDIN`; resolves with the number of rows copied. */
export function copyFromStdin(client: Client, copyStatement: string, chunks: Iterable<Buffer>): Promise<number> {
  return new Promise((resolve, reject) => {
    const copy = new CopyFromStdin(copyStatement, chunks);
    copy.callback = (error) => (error ? reject(error) : resolve(copy.rowCount));
    (client as unknown as { query(submittable: unknown): void }).query(copy);
  });
}

/** One value in COPY text format: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string | number): string {
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
