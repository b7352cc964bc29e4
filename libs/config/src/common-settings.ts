import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Settings every service shares. Each service extends this with its own port and database name.
 * Defaults suit a developer machine: PostgreSQL and Kafka on 127.0.0.1.
 */
export class CommonSettings {
  /** Base connection URL; the service replaces the database name with its own (see serviceDatabaseUrl). */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

  @IsString()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Prepended to every topic name: lets test runs and tenants share one broker without collisions. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'may contain only letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX = '';

  /** Address the HTTP APIs listen on; 0.0.0.0 to accept connections from other hosts. */
  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  /** JWKS endpoint of the identity provider; required in production. */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' })
  AUTH_JWKS_URL?: string = undefined;

  /** Shared HS256 key for locally minted tokens (development and tests only; refused in production). */
  @IsString()
  @Matches(/^.{32,}$/, { message: 'must be at least 32 characters' })
  AUTH_LOCAL_SECRET = 'local-development-signing-key-change-me-0123456789';

  @IsString()
  AUTH_ISSUER = 'smi-local';

  @IsString()
  AUTH_AUDIENCE = 'smi-services';

  /** OTLP/HTTP traces endpoint (e.g. http://127.0.0.1:4318/v1/traces); tracing export is off when unset. */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string = undefined;

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Webhooks (@smi/webhooks, docs/adr/0009-webhooks.md): attempts before a delivery is dead-lettered. */
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_MAX_ATTEMPTS = 8;

  /** How long one delivery attempt may take, connection to last byte of the answer. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_ATTEMPT_TIMEOUT_MS = 10_000;

  /** The wait after the first failure; it doubles with each failure (with jitter) up to WEBHOOK_BACKOFF_MAX_MS. */
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  WEBHOOK_BACKOFF_BASE_MS = 10_000;

  @IsInt()
  @Min(1)
  @Max(86_400_000)
  WEBHOOK_BACKOFF_MAX_MS = 3_600_000;

  /** How often the dispatching instance looks for due deliveries and new feed entries. */
  @IsInt()
  @Min(10)
  @Max(600_000)
  WEBHOOK_DISPATCH_INTERVAL_MS = 1_000;

  /** Lets a subscriber's URL be plain http to a loopback address (tests, a local receiver); never in production. */
  @IsBoolean()
  WEBHOOK_ALLOW_LOOPBACK_HTTP = false;

  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOK_MAX_SUBSCRIPTIONS_PER_PARTY = 10;
}


/** Replaces the database name in a postgres URL, keeping host, credentials and parameters. */
export function serviceDatabaseUrl(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
