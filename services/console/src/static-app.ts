import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` (Vite) writes the app: beside the compiled host, dist/services/console/app. */
export const APP_DIRECTORY = join(__dirname, '..', 'app');

/**
 * The app's own files come from this host only and run no inline script, so the browser is told to refuse
 * anything else: data the APIs return can never become code, even if some rendering slipped.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function appIsBuilt(directory = APP_DIRECTORY): boolean {
  return existsSync(join(directory, 'index.html'));
}

/** The built app at `/`; the pages are routed in the browser (`#/…`), so no fallback route is needed. */
export async function staticAppPlugin(fastify: FastifyInstance, options: { directory: string }): Promise<void> {
  fastify.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  await fastify.register(fastifyStatic, { root: options.directory, index: ['index.html'], wildcard: true, cacheControl: false });
}
