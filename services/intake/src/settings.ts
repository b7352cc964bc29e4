import { CommonSettings, serviceDatabaseUrl } from '@smi/config';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class IntakeSettings extends CommonSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  INTAKE_PORT = 3001;

  /** Full URL of this service's own database; defaults to DATABASE_URL with the database smi_intake. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[a-z_][a-z0-9_]*(\?.*)?$/, { message: 'must be a postgres:// URL naming a database (lower-case letters, digits, _)' })
  INTAKE_DATABASE_URL?: string = undefined;

  /** How often each instance looks for data requests whose 15 working days have run out (milliseconds). */
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  INTAKE_OVERDUE_CHECK_INTERVAL_MS = 60_000;

  /** Largest submission file accepted (bytes); larger uploads are answered 413 and nothing is recorded. */
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024 * 1024)
  INTAKE_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
}

export function intakeDatabaseUrl(settings: IntakeSettings): string {
  return settings.INTAKE_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_intake');
}
