import { prometheusText } from '@smi/telemetry';
import Fastify from 'fastify';
import { httpRequestLabels, installHttpMetrics, UNMATCHED_ROUTE } from './http-metrics';

/** The series of one metric whose labels include every given pair, from a scrape. */
function series(text: string, metric: string, labels: Record<string, string>): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)));
}

describe('HTTP server metrics', () => {
  it('labels a request by its route template, method and status, never by the URL it was called with', async () => {
    const app = Fastify();
    installHttpMetrics(app);
    app.get('/http-metrics-spec/cases/:caseId', async (request, reply) => reply.status(request.params && (request.params as { caseId: string }).caseId === 'gone' ? 404 : 200).send({ ok: true }));
    app.post('/http-metrics-spec/cases/:caseId/claim', async () => ({ ok: true }));
    await app.ready();
    await app.inject({ method: 'GET', url: '/http-metrics-spec/cases/3f0c7d2e-party-DCC?supplier=SUP01' });
    await app.inject({ method: 'GET', url: '/http-metrics-spec/cases/another-id' });
    await app.inject({ method: 'GET', url: '/http-metrics-spec/cases/gone' });
    await app.inject({ method: 'POST', url: '/http-metrics-spec/cases/42/claim' });
    await app.inject({ method: 'GET', url: '/http-metrics-spec/no-such-route/SECRET-ID' });
    await app.close();

    const text = await prometheusText();
    const metric = 'http_server_request_duration_seconds_count';
    expect(series(text, metric, { route: '/http-metrics-spec/cases/:caseId', method: 'GET', status_code: '200' })).toEqual([
      expect.stringMatching(/ 2$/),
    ]);
    expect(series(text, metric, { route: '/http-metrics-spec/cases/:caseId', method: 'GET', status_code: '404' })).toEqual([expect.stringMatching(/ 1$/)]);
    expect(series(text, metric, { route: '/http-metrics-spec/cases/:caseId/claim', method: 'POST', status_code: '200' })).toHaveLength(1);
    expect(series(text, metric, { route: UNMATCHED_ROUTE, method: 'GET', status_code: '404' }).length).toBeGreaterThan(0);
    for (const raw of ['3f0c7d2e', 'SUP01', 'another-id', 'SECRET-ID', '/42/']) expect(text).not.toContain(raw);
    // Seconds, with buckets from 5 ms: a fast in-process request lands in the first buckets, and the sum is small.
    expect(text).toMatch(/http_server_request_duration_seconds_bucket\{[^}]*le="0\.005"[^}]*\} \d+/);
  });

  it('folds unusual methods into _OTHER so a client cannot mint label values', () => {
    expect(httpRequestLabels({ method: 'PROPFIND', routeOptions: { url: undefined } } as never, 404)).toEqual({ route: UNMATCHED_ROUTE, method: '_OTHER', status_code: '404' });
    expect(httpRequestLabels({ method: 'DELETE', routeOptions: { url: '/x/:id' } } as never, 204)).toEqual({ route: '/x/:id', method: 'DELETE', status_code: '204' });
  });
});
