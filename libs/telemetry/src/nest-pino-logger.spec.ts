import { PassThrough } from 'node:stream';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createLogger, NestPinoLogger } from '@smi/telemetry';

function capture(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const pinoLogger = createLogger('nest-spec', level, destination);
  return { lines, pinoLogger, nestLogger: new NestPinoLogger(pinoLogger) };
}

it('maps each Nest level to a pino level and the trailing context to `context`', () => {
  const { lines, nestLogger } = capture();
  nestLogger.log('started', 'Bootstrap');
  nestLogger.warn('slow');
  nestLogger.debug('detail', 'Relay');
  nestLogger.verbose('chatter', 'Relay');
  nestLogger.fatal('gone', 'Bootstrap');

  expect(lines.map(({ level, msg, context }) => ({ level, msg, context }))).toEqual([
    { level: 'info', msg: 'started', context: 'Bootstrap' },
    { level: 'warn', msg: 'slow', context: undefined },
    { level: 'debug', msg: 'detail', context: 'Relay' },
    { level: 'trace', msg: 'chatter', context: 'Relay' },
    { level: 'fatal', msg: 'gone', context: 'Bootstrap' },
  ]);
  expect(lines[0].service).toBe('nest-spec');
});

it('tells a stack from a context in error calls, as Nest calls them', () => {
  const { lines, nestLogger } = capture();
  const stack = new Error('boom').stack as string;
  nestLogger.error('boom', stack, 'ExceptionsHandler');
  nestLogger.error('boom', stack);
  nestLogger.error('no stack', undefined, 'ExceptionsHandler');
  nestLogger.error('only context', 'Consumer');

  expect(lines.map(({ msg, stack: s, context }) => ({ msg, stack: s, context }))).toEqual([
    { msg: 'boom', stack, context: 'ExceptionsHandler' },
    { msg: 'boom', stack, context: undefined },
    { msg: 'no stack', stack: undefined, context: 'ExceptionsHandler' },
    { msg: 'only context', stack: undefined, context: 'Consumer' },
  ]);
  expect(lines.every((line) => line.level === 'error')).toBe(true);
});

it('logs an Error under `err` and an object under `data`', () => {
  const { lines, nestLogger } = capture();
  nestLogger.error(new TypeError('bad input'), 'Validation');
  nestLogger.log({ topic: 'esme-variants' }, 'Kafka');

  expect(lines[0]).toMatchObject({
    msg: 'bad input',
    context: 'Validation',
    err: { type: 'TypeError', message: 'bad input', stack: expect.stringContaining('TypeError: bad input') },
  });
  expect(lines[1]).toMatchObject({ level: 'info', context: 'Kafka', data: { topic: 'esme-variants' } });
});

it('narrows the pino level through setLogLevels', () => {
  const { lines, nestLogger, pinoLogger } = capture();
  nestLogger.setLogLevels(['error', 'warn', 'log']);
  expect(pinoLogger.level).toBe('info');
  nestLogger.debug('hidden');
  nestLogger.log('shown');
  nestLogger.setLogLevels([]);
  nestLogger.fatal('hidden too');
  expect(lines.map((line) => line.msg)).toEqual(['shown']);
});

it('makes NestFactory.create log its bootstrap as JSON', async () => {
  @Module({})
  class EmptyModule {}

  const { lines, nestLogger } = capture('info');
  const app = await NestFactory.create(EmptyModule, new FastifyAdapter(), { logger: nestLogger });
  await app.init();
  await app.close();

  expect(lines).toContainEqual(
    expect.objectContaining({ level: 'info', service: 'nest-spec', context: 'NestFactory', msg: 'Starting Nest application...' }),
  );
  expect(lines).toContainEqual(
    expect.objectContaining({ level: 'info', context: 'NestApplication', msg: 'Nest application successfully started' }),
  );
});
