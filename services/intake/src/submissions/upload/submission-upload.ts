import fastifyMultipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { discardRequestBody, firstMultipartFile, refuseUnacceptedUploads } from '@smi/service-runtime';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { SubmissionFormat } from '../record/submission-report';

/** Media type of an .xlsx workbook. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Media types accepted for a CSV request body (spreadsheet tools and scripts use both). */
export const CSV_MEDIA_TYPES: readonly string[] = ['text/csv', 'application/csv'];
const MULTIPART = 'multipart/form-data';
const SUBMISSIONS_PATH = '/submissions';
/** The multipart field the file must come in. */
export const FILE_FIELD = 'file';
/**
 * How long an upload may go without sending a byte. A submission holds its database transaction open
 * while the file streams in, so a client that stops sending must not hold it for ever.
 */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 60_000;

/** Problems with the HTTP upload itself (not its content); each maps to one HTTP status and code. */
export class UploadError extends Error {
  override readonly name = 'UploadError';

  constructor(
    readonly status: 400 | 408 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${mib.toFixed(2)} MiB`;
}

export function uploadTooLarge(maxBytes: number): UploadError {
  return new UploadError(
    413,
    'FILE_TOO_LARGE',
    `The file is larger than the upload limit of ${mebibytes(maxBytes)} (${maxBytes} bytes); split it into smaller files and submit each`,
  );
}

/**
 * Wires the two ways a file can arrive into Fastify, both streaming: multipart/form-data through
 * @fastify/multipart (read part by part, never saved), and a raw CSV or .xlsx body passed through as
 * the request stream. Neither is held in memory as a whole; `maxUploadBytes` is enforced while reading.
 */
export async function registerSubmissionUploads(app: NestFastifyApplication, maxUploadBytes: number): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxUploadBytes, files: 1, fields: 10, parts: 20, fieldSize: 64 * 1024 },
    // `-F 'file=<report.csv'` sends the file as a plain field without a file name; it is still the file.
    isPartAFile: (fieldName, contentType, fileName) =>
      fieldName === FILE_FIELD || fileName !== undefined || contentType === 'application/octet-stream',
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser([...CSV_MEDIA_TYPES, XLSX_MEDIA_TYPE], (_request, payload, done) => done(null, payload));
  // Other media types are refused before any route runs; a provider uploading a PDF or a .zip is told what to send instead.
  refuseUnacceptedUploads(fastify, {
    path: SUBMISSIONS_PATH,
    fileField: FILE_FIELD,
    bodyTypes: [...CSV_MEDIA_TYPES, XLSX_MEDIA_TYPE],
    bodyTypesDescription: BODY_TYPES,
    maxUploadBytes,
  });
}

const BODY_TYPES = `text/csv (or ${XLSX_MEDIA_TYPE} for an .xlsx workbook)`;

/** The JSON answer for an upload problem, shaped like the platform's other errors. */
export function errorBody(error: UploadError): { statusCode: number; error: string; code: string; message: string } {
  return { statusCode: error.status, error: STATUS_CODES[error.status] ?? 'Error', code: error.code, message: error.message };
}

function unsupportedMediaType(type: string): UploadError {
  return new UploadError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `Unsupported content type "${type || '(none)'}": send the file as multipart/form-data in a field named "${FILE_FIELD}", ` +
      `or as the request body with content type ${BODY_TYPES}`,
  );
}

export interface Upload {
  readonly format: SubmissionFormat;
  readonly fileName: string | null;
  /** The file's bytes as they arrive; fails with FILE_TOO_LARGE past the limit. */
  readonly bytes: AsyncIterable<Uint8Array>;
  /** Bytes read so far. */
  byteCount(): number;
  /**
   * After a failure, reads and drops what the client has still to send, up to `capBytes`, so the answer reaches
   * it; false when that is not worth it (see discardRequestBody). Does nothing once the body has been read.
   */
  discardRest(capBytes: number): boolean;
}

export interface UploadOptions {
  readonly maxBytes: number;
  /** File name for a raw body (a multipart part carries its own). */
  readonly fileName?: string;
  readonly idleTimeoutMs?: number;
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function isXlsx(fileName: string | null, type: string): boolean {
  return type === XLSX_MEDIA_TYPE || (fileName !== null && /\.xlsx$/i.test(fileName));
}

function cleanFileName(name: string | undefined): string | null {
  if (name === undefined) return null;
  // Only the last path segment: some browsers send the full client path.
  const base = name.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' ? null : base.slice(0, 255);
}

/**
 * The uploaded file of a POST /submissions request, as a byte stream. Refuses the upload before reading
 * anything when its media type is wrong or its declared length is over the limit.
 */
export async function openUpload(request: FastifyRequest, options: UploadOptions): Promise<Upload> {
  const type = mediaType(request);
  const declared = Number(request.headers['content-length']);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS;
  const raw = request.raw;

  if (type === MULTIPART) {
    // The multipart envelope adds a few hundred bytes to the file; anything far beyond is over the limit.
    if (Number.isFinite(declared) && declared > options.maxBytes + 64 * 1024) throw uploadTooLarge(options.maxBytes);
    let first;
    try {
      first = await firstMultipartFile(request);
    } catch (error) {
      throw multipartFailure(error, options.maxBytes);
    }
    if (first === undefined) {
      throw new UploadError(400, 'MISSING_FILE', `The multipart body has no file: send the file in a field named "${FILE_FIELD}"`);
    }
    const { part } = first;
    if (part.fieldname !== FILE_FIELD) {
      part.file.resume();
      throw new UploadError(400, 'MISSING_FILE', `Send the file in a field named "${FILE_FIELD}" (got "${part.fieldname}")`);
    }
    const fileName = cleanFileName(part.filename);
    const file = part.file;
    // The file counts as read only once the rest of the body is known to hold no second file, so a submission of
    // two files records neither.
    const noSecondFile = async () => {
      let another;
      try {
        another = await first.anotherFileFollows();
      } catch (error) {
        throw multipartFailure(error, options.maxBytes);
      }
      if (another) throw new UploadError(400, 'MORE_THAN_ONE_FILE', 'The multipart body holds more than one file: send one file per submission');
    };
    const counter = countingStream(file, raw, options.maxBytes, idleTimeoutMs, () => file.truncated, noSecondFile);
    return { format: isXlsx(fileName, part.mimetype.toLowerCase()) ? 'xlsx' : 'csv', fileName, ...counter };
  }

  if (CSV_MEDIA_TYPES.includes(type) || type === XLSX_MEDIA_TYPE) {
    if (Number.isFinite(declared) && declared > options.maxBytes) throw uploadTooLarge(options.maxBytes);
    const fileName = cleanFileName(options.fileName);
    const counter = countingStream(request.body as Readable, raw, options.maxBytes, idleTimeoutMs);
    return { format: isXlsx(fileName, type) ? 'xlsx' : 'csv', fileName, ...counter };
  }

  throw unsupportedMediaType(type);
}

function multipartFailure(error: unknown, maxBytes: number): UploadError {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return uploadTooLarge(maxBytes);
  if (code === 'FST_FILES_LIMIT') return new UploadError(400, 'MORE_THAN_ONE_FILE', 'The multipart body holds more than one file: send one file per submission');
  // The multipart parser's own words (busboy's) describe its internals; the client needs to know the body is broken.
  return new UploadError(400, 'MALFORMED_MULTIPART', 'The multipart body could not be read: it is cut short or not well formed multipart/form-data');
}

interface Counter {
  bytes: AsyncIterable<Uint8Array>;
  byteCount(): number;
  discardRest(capBytes: number): boolean;
}

/**
 * Reads `stream` chunk by chunk, counting bytes against the limit and failing an upload that stalls.
 * Leaving early does not destroy the stream: the request's socket must stay open for the answer.
 */
function countingStream(
  stream: Readable,
  raw: IncomingMessage,
  maxBytes: number,
  idleTimeoutMs: number,
  truncated: () => boolean = () => false,
  afterLastByte: () => Promise<void> = async () => undefined,
): Counter {
  let count = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    const iterator = stream.iterator({ destroyOnReturn: false });
    try {
      for (;;) {
        const next = await withIdleTimeout(iterator.next(), idleTimeoutMs);
        if (next.done) break;
        const chunk = next.value as Buffer;
        count += chunk.length;
        // busboy stops at the limit and marks the part truncated; a raw body is counted here.
        if (count > maxBytes || truncated()) throw uploadTooLarge(maxBytes);
        yield chunk;
      }
      if (truncated()) throw uploadTooLarge(maxBytes);
      await withIdleTimeout(afterLastByte(), idleTimeoutMs);
    } finally {
      // Detaches the iterator from the stream (which stays open), so the rest can be discarded. Not awaited: a
      // read left waiting by a stalled client would hold it up.
      iterator.return?.()?.catch(() => undefined);
    }
  }
  return {
    bytes: bytes(),
    byteCount: () => count,
    discardRest: (capBytes) => discardRequestBody(raw, capBytes, stream),
  };
}

async function withIdleTimeout<T>(next: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UploadError(408, 'UPLOAD_STALLED', `The upload sent nothing for ${Math.round(timeoutMs / 1000)} s and was abandoned`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([next, stalled]);
  } finally {
    clearTimeout(timer);
  }
}
