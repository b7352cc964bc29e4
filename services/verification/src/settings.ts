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

  /**
   * Working days a manufacturer or CSP has to answer a case (information, agreement, fix confirmation) before
   * it is overdue (issue point 7): overdue from the start of the next working day. A whole number of at most a
   * year's working days.
   */
  @IsInt()
  @Min(1)
  @Max(260)
  VERIFICATION_CHASE_AFTER_WORKING_DAYS = 15;

  /** How often each instance looks for waits that have become overdue (milliseconds); also at start-up. */
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  VERIFICATION_CHASE_CHECK_INTERVAL_MS = 60_000;
}

export function verificationDatabaseUrl(settings: VerificationSettings): string {
  return settings.VERIFICATION_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_verification');
}
