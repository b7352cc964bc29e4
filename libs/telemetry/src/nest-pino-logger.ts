import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const pinoLevelOf: Record<LogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
// Most verbose first, so the first one present decides the threshold.
const verbosityOrder: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

// Same test Nest's ConsoleLogger uses to tell `error(message, stack)` from `error(message, context)`.
const looksLikeStack = (value: unknown): value is string =>
  typeof value === 'string' && /^(.)+\n\s+at .+:\d+:\d+/.test(value);

/**
 * Nest's logger calls routed to pino, so framework lines (bootstrap, routes, unhandled exceptions) are JSON with
 * the same `service`, `trace_id` and `span_id` fields as application lines.
 *
 * Follows Nest's calling convention: a trailing string argument is the context (`context` field); for `error`,
 * a stack string before it becomes the `stack` field; an Error message is logged under `err`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', [message, ...optionalParams]);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', [message, ...optionalParams]);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', [message, ...optionalParams]);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', [message, ...optionalParams]);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', [message, ...optionalParams]);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    const args = [message, ...optionalParams];
    const trailing = args.length > 1 ? args[args.length - 1] : null;
    const context = typeof trailing === 'string' && !looksLikeStack(trailing) ? (args.pop() as string) : undefined;
    // Nest's Logger passes `undefined` in the stack position when it has a context but no stack.
    const stackSlot = args.length > 1 ? args[args.length - 1] : null;
    const stack = looksLikeStack(stackSlot) || stackSlot === undefined ? (args.pop() as string | undefined) : undefined;
    for (const item of args) this.emit('error', item, context, stack);
  }

  setLogLevels(levels: LogLevel[]): void {
    const mostVerbose = verbosityOrder.find((level) => levels.includes(level));
    this.logger.level = mostVerbose ? pinoLevelOf[mostVerbose] : 'silent';
  }

  private write(level: Level, args: unknown[]): void {
    const context = args.length > 1 && typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    for (const item of args) this.emit(level, item, context, undefined);
  }

  private emit(level: Level, message: unknown, context: string | undefined, stack: string | undefined): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
    } else if (typeof message === 'string') {
      this.logger[level](fields, message);
    } else {
      fields.data = message;
      this.logger[level](fields);
    }
  }
}
