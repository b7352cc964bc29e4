import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Reads and drops what is left of a request body refused early, up to `capBytes`, so the answer reaches a
 * client that is still sending: closing the socket on unread bytes resets the connection, and many clients
 * then report a broken pipe instead of the answer. Past the cap the connection is cut. Returns false when the
 * body is not worth reading (declared larger than the cap): the answer should then carry `connection: close`.
 *
 * `consumer` is the stream the body is being read through when it is not `raw` itself (a multipart part):
 * busboy moves on only while the part it writes into is read.
 */
export function discardRequestBody(raw: IncomingMessage, capBytes: number, consumer: Readable = raw): boolean {
  if (raw.complete || raw.destroyed) return true;
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > capBytes) return false;
  let seen = 0;
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= capBytes) return;
    raw.off('data', onData);
    raw.destroy();
  };
  raw.on('data', onData);
  raw.once('end', () => raw.off('data', onData));
  if (consumer !== raw) consumer.resume();
  raw.resume();
  return true;
}

/** How much of a refused upload is read and dropped before the connection is cut instead. */
export function discardCap(maxUploadBytes: number): number {
  return Math.max(2 * maxUploadBytes, 8 * 1024 * 1024);
}
