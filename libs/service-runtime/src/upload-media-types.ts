import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { discardCap, discardRequestBody } from './refused-upload';

const MULTIPART = 'multipart/form-data';

export interface UploadRoute {
  /** Path of the POST route that takes a file. */
  readonly path: string;
  /** The multipart field the file comes in. */
  readonly fileField: string;
  /** Media types accepted as a raw request body besides multipart/form-data. */
  readonly bodyTypes: readonly string[];
  /** How the raw body types are named to a client; the list of `bodyTypes` when not given. */
  readonly bodyTypesDescription?: string;
  readonly maxUploadBytes: number;
}

/**
 * Answers an upload sent with a media type the route does not take with 415 and what to send instead, before
 * the body is parsed: the services' catch-all parser would otherwise ask for JSON, which an upload route never
 * takes. What the client is still sending is read and dropped (up to a cap) so the answer reaches it.
 */
export function refuseUnacceptedUploads(fastify: FastifyInstance, route: UploadRoute): void {
  const accepted = new Set([MULTIPART, ...route.bodyTypes]);
  const described = route.bodyTypesDescription ?? route.bodyTypes.join(' or ');
  fastify.addHook('preParsing', async (request, reply) => {
    if (request.method !== 'POST' || request.url.split('?')[0].replace(/\/+$/, '') !== route.path) return;
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (accepted.has(type)) return;
    if (!discardRequestBody(request.raw, discardCap(route.maxUploadBytes))) reply.header('connection', 'close');
    await reply.code(415).send({
      statusCode: 415,
      error: STATUS_CODES[415],
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message:
        `Unsupported content type "${type || '(none)'}": send the file as multipart/form-data in a field named "${route.fileField}", ` +
        `or as the request body with content type ${described}`,
    });
  });
}
