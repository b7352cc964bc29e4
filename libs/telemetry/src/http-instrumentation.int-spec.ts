import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SpanKind } from '@smi/telemetry';

// The http and pg instrumentations patch modules through a hook on Node's own `Module.prototype.require`.
// Inside Jest, `require('module')` returns Jest's subclass of Module, so the hook lands on that subclass and
// Jest's sandboxed `require` (which loads core modules with its own real `require`) never runs it: nothing is
// patched, whether http is required before or after initTelemetry or inside jest.isolateModules. This test
// therefore runs the scenario in a plain Node process, loaded the same way a service is.

interface Report {
  body: string;
  spans: { name: string; kind: SpanKind; traceId: string; spanId: string; parentSpanId?: string }[];
  logLines: Record<string, unknown>[];
  pgQueryPatched: boolean;
  httpUnpatchedAfterShutdown: boolean;
}

const repositoryRoot = join(__dirname, '..', '..', '..');
const fixture = join(__dirname, 'test-support', 'traced-http-process.ts');

let report: Report;

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', fixture], {
    cwd: repositoryRoot,
  });
  report = JSON.parse(stdout) as Report;
}, 60_000);

it('creates a SERVER span for a request to a node:http server, child of the CLIENT span that sent it', () => {
  expect(report.body).toBe('ok');
  const server = report.spans.find((span) => span.kind === SpanKind.SERVER);
  const client = report.spans.find((span) => span.kind === SpanKind.CLIENT);
  expect(server).toBeDefined();
  expect(client).toBeDefined();
  expect(server?.traceId).toBe(client?.traceId);
  expect(server?.parentSpanId).toBe(client?.spanId);
});

it('stamps the SERVER span ids on log lines written inside the handler', () => {
  const server = report.spans.find((span) => span.kind === SpanKind.SERVER);
  expect(report.logLines).toEqual([
    expect.objectContaining({
      level: 'info',
      service: 'traced-http',
      msg: 'handling request',
      path: '/variants',
      trace_id: server?.traceId,
      span_id: server?.spanId,
    }),
  ]);
});

it('patches pg when it is loaded after initTelemetry', () => {
  expect(report.pgQueryPatched).toBe(true);
});

it('removes the http patch on shutdown', () => {
  expect(report.httpUnpatchedAfterShutdown).toBe(true);
});
