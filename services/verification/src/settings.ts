import { CommonSettings, serviceDatabaseUrl } from '@smi/config';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class VerificationSettings extends CommonSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  VERIFICATION_PORT = 3002;

  /** Full URL of this service's own database; defaults to DATABASE_URL with the database smi_verification. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[a-z_][a-z0-9_]*(\?.*)?$/, { message: 'must be a postgres:// URL naming a database (lower-case letters, digits, _)' })
  VERIFICATION_DATABASE_URL?: string = undefined;
}

export function verificationDatabaseUrl(settings: VerificationSettings): string {
  return settings.VERIFICATION_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_verification');
}
