import fastifyMultipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { firstMultipartFile, refuseUnacceptedUploads } from '@smi/service-runtime';

/** Media types taken as a CSV request body (spreadsheet tools and scripts send both). */
export const CSV_MEDIA_TYPES: readonly string[] = ['text/csv', 'application/csv'];
const MULTIPART = 'multipart/form-data';
/** The multipart field the file comes in. */
export const FILE_FIELD = 'file';
/**
 * How long an upload may send nothing before it is abandoned: a stalled client must not keep a job in
 * `receiving` (and its connection) for ever.
 */
const IDLE_TIMEOUT_MS = 60_000;

/** An upload refused for how it was sent rather than for what the file says. */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';

  constructor(
    readonly status: 400 | 408 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CorrectionUpload {
  fileName: string | null;
  /** The file's bytes as they arrive; fails with FILE_TOO_LARGE past the limit or UPLOAD_STALLED when idle. */
  bytes: AsyncIterable<Buffer>;
  /** The stream the file's bytes come from (the multipart part), which must flow for the rest of the body to. */
  source?: Readable;
}

/**
 * Lets Fastify hand the file over as a stream, never as a whole: multipart/form-data through @fastify/multipart
 * (the file part is read as it arrives) and a raw CSV body passed through untouched. The size limit is enforced
 * while reading (see openCorrectionUpload).
 */
export async function registerCorrectionUploads(app: NestFastifyApplication, maxBytes: number): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 10, fieldSize: 16 * 1024 },
    // `curl -F 'file=<corrections.csv'` sends the file as a plain field; it is still the file.
    isPartAFile: (fieldName, contentType, fileName) => fieldName === FILE_FIELD || fileName !== undefined || contentType === 'application/octet-stream',
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser([...CSV_MEDIA_TYPES], (_request, payload, done) => done(null, payload));
  // Any other media type (an .xlsx workbook, JSON) is told what to send instead, before the body is parsed.
  refuseUnacceptedUploads(fastify, { path: '/bulk-corrections', fileField: FILE_FIELD, bodyTypes: CSV_MEDIA_TYPES, bodyTypesDescription: 'text/csv', maxUploadBytes: maxBytes });
}

function tooLarge(maxBytes: number): UploadRefused {
  return new UploadRefused(413, 'FILE_TOO_LARGE', `the file is larger than the limit of ${maxBytes} bytes; split it into smaller files`);
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function cleanFileName(name: string | undefined): string | null {
  // Only the last path segment: some browsers send the whole client path.
  const base = name?.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' ? null : base.slice(0, 255);
}

/** The uploaded file of a request, as a byte stream; refuses at once what cannot be a correction file upload. */
export async function openCorrectionUpload(request: FastifyRequest, maxBytes: number): Promise<CorrectionUpload> {
  const type = mediaType(request);
  const declared = Number(request.headers['content-length']);

  if (type === MULTIPART) {
    // The multipart envelope adds a few hundred bytes; far beyond the limit is refused before reading.
    if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw tooLarge(maxBytes);
    let first;
    try {
      first = await firstMultipartFile(request);
    } catch (error) {
      throw multipartRefusal(error, maxBytes);
    }
    if (first === undefined) throw new UploadRefused(400, 'MISSING_FILE', `the multipart body has no file: send it in a field named "${FILE_FIELD}"`);
    const { part } = first;
    if (part.fieldname !== FILE_FIELD) {
      part.file.resume();
      throw new UploadRefused(400, 'MISSING_FILE', `send the file in a field named "${FILE_FIELD}" (got "${part.fieldname}")`);
    }
    const file = part.file;
    // The file is read to its end only once the rest of the body is known to hold no second file, so an upload of
    // two files starts no job.
    const noSecondFile = async () => {
      let another;
      try {
        another = await first.anotherFileFollows();
      } catch (error) {
        throw multipartRefusal(error, maxBytes);
      }
      if (another) throw new UploadRefused(400, 'MORE_THAN_ONE_FILE', 'the multipart body holds more than one file: send one file per upload');
    };
    return { fileName: cleanFileName(part.filename), bytes: limited(file, maxBytes, () => file.truncated, noSecondFile), source: file };
  }

  if (CSV_MEDIA_TYPES.includes(type)) {
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
    const header = request.headers['content-disposition'];
    const fileName = typeof header === 'string' ? cleanFileName(/filename="?([^";]+)"?/i.exec(header)?.[1]) : null;
    return { fileName, bytes: limited(request.body as Readable, maxBytes, () => false) };
  }

  throw new UploadRefused(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `send the file as multipart/form-data in a field named "${FILE_FIELD}", or as the request body with content type text/csv (got "${type || 'none'}")`,
  );
}

function multipartRefusal(error: unknown, maxBytes: number): UploadRefused {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (code === 'FST_FILES_LIMIT') return new UploadRefused(400, 'MORE_THAN_ONE_FILE', 'the multipart body holds more than one file: send one file per upload');
  // busboy's own words describe its internals; the client needs to know the body is broken.
  return new UploadRefused(400, 'MALFORMED_MULTIPART', 'the multipart body cannot be read: it is cut short or not well formed multipart/form-data');
}

/**
 * Reads `stream` chunk by chunk, counting bytes against the limit and giving up on a stalled client. Leaving
 * early does not destroy the stream: the request's socket must stay open for the answer.
 */
async function* limited(stream: Readable, maxBytes: number, truncated: () => boolean, afterLastByte: () => Promise<void> = async () => undefined): AsyncGenerator<Buffer> {
  let count = 0;
  const iterator = stream.iterator({ destroyOnReturn: false });
  try {
    for (;;) {
      const next = await withIdleTimeout(iterator.next());
      if (next.done) break;
      const chunk = next.value as Buffer;
      count += chunk.length;
      // busboy stops at the limit and marks the part truncated; a raw body is counted here.
      if (count > maxBytes || truncated()) throw tooLarge(maxBytes);
      yield chunk;
    }
    if (truncated()) throw tooLarge(maxBytes);
    await withIdleTimeout(afterLastByte());
  } finally {
    // Lets go of the stream (left open), so what is left of a refused body can be read and dropped. Not awaited:
    // a read still waiting on a stalled client would hold the answer up.
    iterator.return?.()?.catch(() => undefined);
  }
}

async function withIdleTimeout<T>(next: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UploadRefused(408, 'UPLOAD_STALLED', `the upload sent nothing for ${IDLE_TIMEOUT_MS / 1000} s and was abandoned`)), IDLE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([next, stalled]);
  } finally {
    clearTimeout(timer);
  }
}
