import { PassThrough } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLogger, initTelemetry, withSpan, type TelemetryHandle } from '@smi/telemetry';

let telemetry: TelemetryHandle;
beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'logger-spec', spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
});
afterAll(() => telemetry.shutdown());

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { lines, logger: createLogger('logger-spec', level, destination) };
}

it('writes JSON lines with the service, a level name and an ISO time', () => {
  const { lines, logger } = capture();
  logger.info({ variantId: 'v-1' }, 'variant corrected');
  expect(lines).toEqual([
    {
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'logger-spec',
      variantId: 'v-1',
      msg: 'variant corrected',
    },
  ]);
});

it('adds the active span ids inside a span and none outside', async () => {
  const { lines, logger } = capture();
  const ids = await withSpan('handle', {}, async (span) => {
    logger.info('inside');
    return span.spanContext();
  });
  logger.info('outside');

  expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
  expect(lines[1]).not.toHaveProperty('trace_id');
  expect(lines[1]).not.toHaveProperty('span_id');
});

it('drops lines below its level', () => {
  const { lines, logger } = capture('warn');
  logger.info('quiet');
  logger.warn('loud');
  expect(lines.map((line) => line.msg)).toEqual(['loud']);
});
