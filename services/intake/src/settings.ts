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
}

export function intakeDatabaseUrl(settings: IntakeSettings): string {
  return settings.INTAKE_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_intake');
}
