import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

/** A setting that is missing or malformed. The message names the setting and the reason on one line. */
export class InvalidSettingError extends Error {
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`Invalid setting ${setting}: ${reason}`);
    this.name = 'InvalidSettingError';
  }
}

type Constructor<T> = new () => T;

/**
 * Builds a settings object from environment variables. Property names are the variable names
 * (UPPER_SNAKE_CASE); property initialisers are the defaults; class-validator decorators are the rules.
 * Empty strings count as unset so `FOO= npm start` falls back to the default instead of failing oddly.
 */
export function loadConfig<T extends object>(schema: Constructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new schema();
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    const fallback = (defaults as Record<string, unknown>)[key];
    raw[key] = value === undefined || value === '' ? fallback : coerce(value, fallback);
  }
  const config = plainToInstance(schema, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    const first = firstFailure(errors);
    throw new InvalidSettingError(first.setting, first.reason);
  }
  return Object.freeze(config);
}

/**
 * Environment variables are strings; the default's type says what the setting is. Done here rather
 * than through reflected metadata, which is absent for properties without a type annotation.
 */
function coerce(value: string, fallback: unknown): unknown {
  if (typeof fallback === 'number') return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof fallback === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function firstFailure(errors: ValidationError[]): { setting: string; reason: string } {
  const error = errors[0];
  const reason = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  // class-validator phrases reasons as "<property> must be ..."; drop the repeated name.
  const trimmed = reason.startsWith(`${error.property} `) ? reason.slice(error.property.length + 1) : reason;
  const shown = error.value === undefined ? 'is required' : `${trimmed} (got ${JSON.stringify(error.value)})`;
  return { setting: error.property, reason: shown };
}

/**
 * For a process entry point: load the settings or print the one line naming the bad setting and exit 1.
 * A stack trace here would bury the only fact the operator needs.
 */
export function loadConfigOrExit<T extends object>(schema: Constructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (error instanceof InvalidSettingError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
