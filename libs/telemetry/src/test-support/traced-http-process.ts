// Runs in a plain Node process (spawned by http-instrumentation.int-spec.ts) because the http and pg
// instrumentations hook Node's own module loader, which Jest's sandboxed `require` bypasses.
// Prints one JSON report on stdout.
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLogger, initTelemetry } from '../index';

async function main(): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const telemetry = initTelemetry({ serviceName: 'traced-http', spanProcessors: [new SimpleSpanProcessor(exporter)] });

  const logLines: unknown[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      callback();
    },
  });
  const logger = createLogger('traced-http', 'info', destination);

  // Loaded only after initTelemetry, as a service's main.ts does by importing its instrument.ts first.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const http = require('node:http') as typeof Http;
  const pg = require('pg') as { Client: { prototype: { query: { __wrapped?: boolean } } } };
  /* eslint-enable @typescript-eslint/no-require-imports */

  const server = http.createServer((request, response) => {
    logger.info({ path: request.url }, 'handling request');
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const body = await new Promise<string>((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/variants', method: 'GET' }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(text));
    });
    request.on('error', reject);
    request.end();
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));

  const pgQueryPatched = pg.Client.prototype.query.__wrapped === true;
  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
  }));
  // Shutting down empties the in-memory exporter and removes the patches, hence read everything first.
  await telemetry.shutdown();
  const httpUnpatchedAfterShutdown = !(http.request as { __wrapped?: boolean }).__wrapped;
  process.stdout.write(JSON.stringify({ body, spans, logLines, pgQueryPatched, httpUnpatchedAfterShutdown }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
