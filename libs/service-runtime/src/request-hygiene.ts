import { BadRequestException, CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
import { discardRequestBody } from './refused-upload';
import { FieldError } from './validation';

/**
 * Deeper than any request of any service needs (the deepest, an SR8.4, is four levels). JSON nested
 * thousands deep otherwise exhausts the stack in validation and class-transformer; checked on the raw text,
 * before anything recursive runs.
 */
export const MAX_JSON_DEPTH = 32;

/** Keys that name an object's prototype: refused anywhere in a body, before anything copies the body. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What a refused request body may still send us before the connection is cut instead of drained. */
const REFUSED_BODY_DRAIN_BYTES = 8 * 1024 * 1024;

/** C0 control characters and DEL, but not tab, line feed and carriage return, which free text may hold. */
const CONTROL_CHARACTER = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Why a text cannot be stored or compared as text, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control characters (U+${code} at character ${control.index + 1})`;
  }
  if (!text.isWellFormed()) {
    const at = [...text.matchAll(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g)][0]?.index ?? 0;
    return `must be well-formed Unicode text (a lone surrogate at character ${at + 1})`;
  }
  return undefined;
}

/** A key as a client can read it in a field path: control characters and lone surrogates escaped. */
function printableKey(key: string): string {
  return JSON.stringify(key).slice(1, -1);
}

class RequestRefusal extends BadRequestException {
  constructor(code: string, message: string, errors: FieldError[]) {
    super({ statusCode: 400, error: 'Bad Request', code, message, errors });
  }
}

/**
 * The first problem in a parsed query, path or body: a prototype key (refused in bodies only), then text
 * that no column could hold. Iterative, so it never recurses on client data; depth is bounded by the parser.
 */
export function findRequestProblem(value: unknown, options: { prototypeKeys: boolean }): RequestRefusal | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop() as { value: unknown; path: string };
    if (typeof current === 'string') {
      const reason = textProblem(current);
      if (reason) return new RequestRefusal('INVALID_TEXT', `${path || 'The body'} ${reason}`, [{ field: path, reason }]);
      continue;
    }
    if (!isPlainData(current)) continue; // a file upload's stream, a Buffer: not parsed data
    const entries = Array.isArray(current) ? current.map((item, index) => [String(index), item] as const) : Object.entries(current);
    // Reversed so that the stack visits fields in the order the client wrote them.
    for (const [key, child] of entries.reverse()) {
      const field = path ? `${path}.${printableKey(key)}` : printableKey(key);
      if (options.prototypeKeys && PROTOTYPE_KEYS.has(key)) {
        return new RequestRefusal('DISALLOWED_KEY', `The key ${key} is not allowed in a request body (at ${field})`, [
          { field, reason: `the key ${key} is not allowed` },
        ]);
      }
      const keyReason = textProblem(key);
      if (keyReason) return new RequestRefusal('INVALID_TEXT', `A key ${keyReason}`, [{ field, reason: `a key ${keyReason}` }]);
      pending.push({ value: child, path: field });
    }
  }
  return undefined;
}

function isPlainData(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  // Parsed JSON has Object.prototype; Fastify's query string parser makes objects on a null-prototype class.
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** How deep the JSON text nests, counting `[` and `{` outside strings, stopping once past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth -= 1;
    }
  }
  return false;
}

/** An error Nest answers as it is (parsers run before Nest, but their errors reach its exception handler). */
function httpError(statusCode: number, code: string, message: string): HttpException {
  return new HttpException({ statusCode, error: STATUS_CODES[statusCode], code, message }, statusCode);
}

const isJson = (contentType: string | undefined) => contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);

/**
 * A JSON body declared larger than the body limit is refused 413 before it is read, and what the client is still
 * sending is read and dropped. Fastify's own refusal closes the connection at once, so a client still writing
 * the body gets a broken pipe instead of the answer, depending on timing; files have their own routes and
 * limits (upload-media-types.ts).
 */
function refuseOversizedJsonUnread(fastify: FastifyInstance): void {
  const limit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = Number(request.headers['content-length']);
    if (!Number.isFinite(declared) || declared <= limit || !isJson(request.headers['content-type'])) return done();
    if (!discardRequestBody(request.raw, REFUSED_BODY_DRAIN_BYTES)) reply.header('connection', 'close');
    reply.code(413).send({ statusCode: 413, error: STATUS_CODES[413], code: 'BODY_TOO_LARGE', message: `The JSON body is larger than ${limit} bytes`, errors: [{ field: 'body', reason: `larger than ${limit} bytes` }] });
  });
}

/**
 * Parses JSON bodies (and refuses every media type a service has not registered a parser for) in place of
 * Fastify's defaults, so that a client learns what was wrong: too deep, not JSON (and where), or not JSON at
 * all (and what to send instead). Services that take files register their parsers after this.
 */
export function installBodyParsing(fastify: FastifyInstance): void {
  refuseOversizedJsonUnread(fastify);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(httpError(400, 'MALFORMED_JSON', 'The body is empty: send a JSON value, or no content type'), undefined);
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      return done(httpError(400, 'JSON_TOO_DEEP', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(httpError(400, 'MALFORMED_JSON', `The body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    const type = request.headers['content-type'];
    // Read and drop what the client is still sending, so it sees this answer rather than a reset connection.
    discardRequestBody(request.raw, REFUSED_BODY_DRAIN_BYTES);
    done(httpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${type ? `"${type}"` : '(none)'} is not accepted here; send application/json`), undefined);
  });
}

/**
 * Every answer tells browsers not to guess content types; an answer to an authenticated request is not kept
 * by any cache unless its handler chose a policy (the glossary does).
 */
export function installResponseHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (request.headers.authorization !== undefined && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

/**
 * Refuses, after authentication and before validation or any handler, a request whose query, path or body
 * holds text no PostgreSQL column can take (NUL), control characters no name or description needs, or text
 * that is not Unicode (a lone surrogate), or a body with a prototype key: a 400 naming the field instead of a 500 from the database or a polluted object.
 */
@Injectable()
export class RequestTextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const problem =
      findRequestProblem(request.params, { prototypeKeys: false }) ??
      findRequestProblem(request.query, { prototypeKeys: false }) ??
      findRequestProblem(request.body, { prototypeKeys: true });
    if (problem) {
      // An upload's body is still arriving: read and drop it so the client sees this answer.
      discardRequestBody(request.raw, REFUSED_BODY_DRAIN_BYTES);
      throw problem;
    }
    return next.handle();
  }
}

const NOT_UTF8 = 'is not valid UTF-8 (percent-encoded bytes that make no character, such as a lone surrogate)';

function decodesAsUtf8(text: string): boolean {
  try {
    decodeURIComponent(text.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** A parameter name as far as it can be read, for naming it in an answer. */
function readableName(raw: string): string {
  return decodesAsUtf8(raw) ? decodeURIComponent(raw.replace(/\+/g, ' ')) : raw;
}

function invalidText(reply: FastifyReply, field: string, reason: string): FastifyReply {
  return reply.code(400).send({ statusCode: 400, error: 'Bad Request', code: 'INVALID_TEXT', message: `${field} ${reason}`, errors: [{ field, reason }] });
}

/**
 * Query strings whose percent-encoded bytes are not UTF-8 are refused naming the parameter. Fastify's query
 * parser keeps such a value undecoded ("%ED%A0%80"), so a handler would otherwise search for that literal text.
 */
export function installQueryStringCheck(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const start = request.url.indexOf('?');
    if (start < 0) return;
    for (const pair of request.url.slice(start + 1).split('&')) {
      const equals = pair.indexOf('=');
      const [key, value] = equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
      if (!decodesAsUtf8(key) || !decodesAsUtf8(value)) {
        discardRequestBody(request.raw, REFUSED_BODY_DRAIN_BYTES);
        return invalidText(reply, readableName(key), NOT_UTF8);
      }
    }
  });
}

/**
 * Fastify's answer to a path that is not UTF-8 names no field ("… is not a valid url component"). This one
 * names the route parameter the bad segment stands in, found by asking the router with a stand-in value.
 */
export function badUrlHandler(server: () => FastifyInstance | undefined) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if (error.code !== 'FST_ERR_BAD_URL') {
      void reply.code(error.statusCode ?? 400).send({ statusCode: error.statusCode ?? 400, error: 'Bad Request', code: error.code, message: error.message });
      return;
    }
    const [path] = request.raw.url?.split('?') ?? [''];
    const segments = path.split('/');
    const bad = segments.findIndex((segment) => !decodesAsUtf8(segment));
    const standIn = 'not-utf8-segment';
    let field = 'path';
    if (bad >= 0) {
      const found = server()?.findRoute({ method: request.raw.method as never, url: segments.map((s, i) => (i === bad ? standIn : s)).join('/') });
      const name = found && Object.entries(found.params).find(([, value]) => value === standIn)?.[0];
      if (name) field = name;
    }
    void invalidText(reply, field, NOT_UTF8);
  };
}

const answeredClientErrors = new WeakSet<Socket>();

/**
 * Node refuses a request whose URL or headers pass its 16 KiB limit before Fastify sees it; Fastify's default
 * handler then destroys the socket while the client is still sending, and the client sees a reset, not the 431.
 * This one answers, then reads and drops what the client still sends (up to a cap) before closing.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // Node's parser reports an error again for each chunk that arrives after the first: answered once, the
  // rest is read and dropped below. Destroying the socket here would reset it under the client's feet.
  if (answeredClientErrors.has(socket)) return;
  answeredClientErrors.add(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    statusCode: status,
    error: STATUS_CODES[status],
    code: status === 431 ? 'URL_OR_HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST',
    message: status === 431 ? 'The URL and headers together are over 16 KiB; send long values in a JSON body' : 'The request could not be read as HTTP',
  });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  let dropped = 0;
  socket.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > REFUSED_BODY_DRAIN_BYTES) socket.destroy();
  });
  socket.resume();
}
