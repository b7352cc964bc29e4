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
}

export function publicationDatabaseUrl(settings: PublicationSettings): string {
  return settings.PUBLICATION_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_publication');
}
