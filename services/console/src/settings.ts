import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** An http(s) origin with an optional base path, no query or fragment: what a service's address is. */
const BASE_URL = /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/;
const BASE_URL_MESSAGE = { message: 'must be an http(s) URL such as http://127.0.0.1:3001 (no query or fragment)' };

/**
 * The console host has no database and no Kafka: it serves the built app and forwards `/api/<service>/…` to
 * the four services' addresses below, and nowhere else. It does not read tokens, so it needs no auth settings.
 */
export class ConsoleSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  CONSOLE_PORT = 3005;

  /** Address the console listens on; 0.0.0.0 to accept connections from other hosts. */
  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @Matches(BASE_URL, BASE_URL_MESSAGE)
  CONSOLE_INTAKE_URL = 'http://127.0.0.1:3001';

  @Matches(BASE_URL, BASE_URL_MESSAGE)
  CONSOLE_VERIFICATION_URL = 'http://127.0.0.1:3002';

  @Matches(BASE_URL, BASE_URL_MESSAGE)
  CONSOLE_PUBLICATION_URL = 'http://127.0.0.1:3003';

  @Matches(BASE_URL, BASE_URL_MESSAGE)
  CONSOLE_INVENTORY_URL = 'http://127.0.0.1:3004';

  /** How long a forwarded request may wait for the service's answer to begin (milliseconds). */
  @IsInt()
  @Min(100)
  @Max(600_000)
  CONSOLE_UPSTREAM_TIMEOUT_MS = 30_000;
}
