import { CommonSettings, serviceDatabaseUrl } from '@smi/config';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class PublicationSettings extends CommonSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  PUBLICATION_PORT = 3003;

  /** Full URL of this service's own database; defaults to DATABASE_URL with the database smi_publication. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[a-z_][a-z0-9_]*(\?.*)?$/, { message: 'must be a postgres:// URL naming a database (lower-case letters, digits, _)' })
  PUBLICATION_DATABASE_URL?: string = undefined;

  /**
   * The first quarter a release is due for (`2026-Q4`): no ReleaseDue for a quarter before it. Unset, the cycle starts
   * with DCC's first release, so a new deployment does not report the quarters before it as late.
   */
  @IsOptional()
  @Matches(/^(19|2[0-9])[0-9]{2}-Q[1-4]$/, { message: 'must be a quarter such as 2026-Q4' })
  PUBLICATION_RELEASES_FROM?: string = undefined;

  /** How often each instance looks for a quarter left without a release by its 10th working day (also at start-up). */
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS = 3_600_000;

  /** Rows a release download reads from the database at a time: what one download holds in memory. */
  @IsInt()
  @Min(1)
  @Max(50_000)
  PUBLICATION_EXPORT_PAGE_ROWS = 2_000;

  /** How long cutting a release waits for the read models to apply the events already recorded before refusing (503). */
  @IsInt()
  @Min(0)
  @Max(600_000)
  PUBLICATION_RELEASE_CATCH_UP_MS = 30_000;
}

export function publicationDatabaseUrl(settings: PublicationSettings): string {
  return settings.PUBLICATION_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_publication');
}
