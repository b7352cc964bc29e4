// How uploads reach the submission pipeline over real HTTP (Fastify on a local port, no database): multipart and
// raw bodies arrive as streams, and every way an upload can be wrong gets its own status and code.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { discardCap, discardRequestBody } from '@smi/service-runtime';
import { errorBody, openUpload, registerSubmissionUploads, Upload, UploadError } from './submission-upload';

const MAX = 64 * 1024;

describe('submission uploads over HTTP', () => {
  let server: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    server = Fastify();
    // registerSubmissionUploads needs only these two parts of the Nest application.
    const app = { register: (plugin: never, options: never) => server.register(plugin, options), getHttpAdapter: () => ({ getInstance: () => server }) };
    await registerSubmissionUploads(app as unknown as NestFastifyApplication, MAX);
    server.post('/submissions', async (request, reply) => {
      const query = request.query as { fileName?: string; stopAfter?: string };
      let upload: Upload | undefined;
      try {
        upload = await openUpload(request, { maxBytes: MAX, idleTimeoutMs: 300, fileName: query.fileName });
        let bytes = 0;
        for await (const chunk of upload.bytes) {
          bytes += chunk.length;
          // Stands for a file refused part-way (a broken header, say) while the client is still sending.
          if (query.stopAfter !== undefined && bytes >= Number(query.stopAfter)) throw new UploadError(400, 'STOPPED', `stopped after ${bytes} bytes`);
        }
        return { format: upload.format, fileName: upload.fileName, bytes, counted: upload.byteCount() };
      } catch (error) {
        if (!(error instanceof UploadError)) throw error;
        const draining = upload ? upload.discardRest(discardCap(MAX)) : discardRequestBody(request.raw, discardCap(MAX));
        if (!draining) reply.header('connection', 'close');
        return reply.code(error.status).send(errorBody(error));
      }
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/submissions`;
  });

  afterAll(async () => {
    await server.close();
  });

  const post = async (body: RequestInit['body'], headers: Record<string, string> = {}, query = '') => {
    const response = await fetch(`${url}${query}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('streams a multipart file, naming its format from the file name', async () => {
    const form = new FormData();
    form.append('note', 'fields before the file are fine');
    form.append('file', new Blob(['a,b\n1,2\n']), 'Q3 defects.CSV');
    expect(await post(form)).toEqual({ status: 200, body: { format: 'csv', fileName: 'Q3 defects.CSV', bytes: 8, counted: 8 } });

    const xlsx = new FormData();
    xlsx.append('file', new Blob(['PK']), 'C:\\Users\\me\\defects.xlsx');
    expect((await post(xlsx)).body).toMatchObject({ format: 'xlsx', fileName: 'defects.xlsx' });
  });

  it('takes a file sent as a plain form field named "file" (curl -F "file=<x.csv")', async () => {
    const form = new FormData();
    form.append('file', 'a,b\r\n1,2\r\n');
    expect(await post(form)).toMatchObject({ status: 200, body: { format: 'csv', fileName: null, bytes: 10 } });
  });

  it('streams a raw CSV or .xlsx body, with the file name from the query', async () => {
    expect(await post('a,b\n', { 'content-type': 'text/csv; charset=utf-8' }, '?fileName=x.csv')).toEqual({ status: 200, body: { format: 'csv', fileName: 'x.csv', bytes: 4, counted: 4 } });
    expect((await post('PK', { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })).body).toMatchObject({ format: 'xlsx' });
  });

  it('refuses a multipart body without a "file" part', async () => {
    const form = new FormData();
    form.append('upload', new Blob(['a,b\n']), 'x.csv');
    expect(await post(form)).toMatchObject({ status: 400, body: { code: 'MISSING_FILE', message: expect.stringContaining('"file"') } });
  });

  it('answers 413 for a body over the limit however it is sent', async () => {
    const big = Buffer.alloc(MAX + 1, 'a');
    expect(await post(big, { 'content-type': 'text/csv' })).toMatchObject({ status: 413, body: { code: 'FILE_TOO_LARGE', statusCode: 413, error: 'Payload Too Large' } });
    const chunked = Readable.toWeb(Readable.from([big.subarray(0, MAX / 2), big.subarray(MAX / 2)])) as ReadableStream;
    expect(await post(chunked, { 'content-type': 'text/csv' })).toMatchObject({ status: 413, body: { code: 'FILE_TOO_LARGE' } });
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.csv');
    expect(await post(form)).toMatchObject({ status: 413, body: { code: 'FILE_TOO_LARGE' } });
    const exact = Buffer.alloc(MAX, 'a');
    expect(await post(exact, { 'content-type': 'text/csv' })).toMatchObject({ status: 200, body: { bytes: MAX } });
  });

  it('gets the answer to a client still sending when the upload is refused early, every time', async () => {
    // Megabytes, so the client is certainly still writing when the answer comes.
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    const part = Buffer.alloc(MAX - 1024, 'b');
    const streamed = () => Readable.toWeb(Readable.from([big.subarray(0, 1024), big.subarray(1024)])) as ReadableStream;
    for (let round = 0; round < 5; round += 1) {
      // Declared over the limit: refused before reading anything.
      expect((await post(big, { 'content-type': 'text/csv' })).status).toBe(413);
      const form = new FormData();
      form.append('file', new Blob([big]), 'big.csv');
      expect((await post(form)).status).toBe(413);
      // Refused after the first bytes, raw (no declared length) and multipart.
      expect((await post(streamed(), { 'content-type': 'text/csv' }, '?stopAfter=1')).status).toBe(400);
      const partForm = new FormData();
      partForm.append('file', new Blob([part]), 'part.csv');
      expect((await post(partForm, {}, '?stopAfter=1')).status).toBe(400);
    }
  });

  it('answers 415, with what to send instead, for other media types', async () => {
    const response = await post('{}', { 'content-type': 'application/json' });
    expect(response).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('text/csv') } });
    expect(await post('%PDF', { 'content-type': 'application/pdf' })).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('abandons an upload that stops sending', async () => {
    let release: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => (release = resolve));
    async function* stalls(): AsyncGenerator<Buffer> {
      yield Buffer.from('Identifier,Make\n');
      await hold;
    }
    try {
      const response = await post(Readable.toWeb(Readable.from(stalls())) as ReadableStream, { 'content-type': 'text/csv' });
      expect(response).toMatchObject({ status: 408, body: { code: 'UPLOAD_STALLED' } });
    } finally {
      release();
    }
  });
});
