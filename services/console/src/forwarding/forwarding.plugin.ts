import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { forwardTarget, Upstreams } from './forward-target';

export interface ForwardingOptions {
  upstreams: Upstreams;
  /** How long to wait for a service's answer to begin. */
  timeoutMs: number;
}

/** Request headers the services have no use for and the console must not pass on. */
const DROPPED_REQUEST_HEADERS = ['cookie'];

/**
 * `/api/<service>/…`, every method, forwarded by @fastify/reply-from to the service's configured address
 * (forward-target.ts decides where, or refuses). Bodies stream both ways: the request's is never parsed here
 * (one content-type parser that hands the raw stream on), the answer's is piped back with its status code and
 * headers (content type, content disposition) as the service sent them. The bearer token passes through
 * untouched; the host keeps nothing. A service that does not answer is one clear 502 the app recognises.
 */
export async function forwardingPlugin(fastify: FastifyInstance, options: ForwardingOptions): Promise<void> {
  // Scoped to this plugin: the host's other routes keep Fastify's parsers.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: unknown) => void) => {
    done(null, payload as Readable);
  });
  await fastify.register(replyFrom, {
    undici: { headersTimeout: options.timeoutMs, bodyTimeout: 0, connect: { timeout: 5_000 } },
    disableRequestLogging: true,
  });

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const target = forwardTarget(request.url, options.upstreams);
    if (target.kind === 'refuse') {
      return reply.status(target.status).send({ statusCode: target.status, code: 'CONSOLE_NOT_FORWARDED', message: target.reason });
    }
    return reply.from(target.path, {
      getUpstream: () => target.base,
      // No retries: a GET that answers 503 (a service not ready) is an answer to show, not to hide.
      retryDelay: () => null,
      rewriteRequestHeaders: (_request, headers) => {
        const kept = { ...headers };
        for (const name of DROPPED_REQUEST_HEADERS) delete kept[name];
        return kept;
      },
      onError: (failed, { error }) => {
        request.log.warn({ service: target.service, error: error.message }, 'service unreachable through the console');
        if (failed.sent) return;
        void failed
          .status(502)
          .header('cache-control', 'no-store')
          .send({ statusCode: 502, code: 'UPSTREAM_UNREACHABLE', service: target.service, message: `${target.service} is not answering at its configured address` });
      },
    });
  };
  fastify.all('/api/*', forward);
  fastify.all('/api', forward);
}
