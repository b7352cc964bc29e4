import { DURATION_BUCKETS_SECONDS, metricsMeter } from '@smi/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The label of a request that matched no route (a 404, a URL the router refused): one series for them all. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The labels of one request: the route's TEMPLATE as registered (`/cases/:caseId`), never the URL, so no id, party or
 * query value reaches a label and the number of series stays that of the routes; any method outside HTTP's usual
 * ones is `_OTHER` (OpenTelemetry's convention) for the same reason.
 */
export function httpRequestLabels(request: Pick<FastifyRequest, 'method' | 'routeOptions'>, statusCode: number): Record<string, string> {
  return {
    route: request.routeOptions?.url ?? UNMATCHED_ROUTE,
    method: KNOWN_METHODS.has(request.method) ? request.method : '_OTHER',
    status_code: String(statusCode),
  };
}

/**
 * `http_server_request_duration_seconds`, a histogram by route template, method and status code, from Fastify's own
 * measure of each request (received to response sent). An onResponse hook, not a Nest interceptor, so requests that
 * never reach a handler (refused by the guard, the edge's 415, a 404) are counted too.
 */
export function installHttpMetrics(fastify: FastifyInstance): void {
  const duration = metricsMeter('@smi/service-runtime').createHistogram('http_server_request_duration_seconds', {
    description: 'HTTP requests served, by route template, method and status code: time from request received to response sent',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    duration.record(reply.elapsedTime / 1000, httpRequestLabels(request, reply.statusCode));
    done();
  });
}
