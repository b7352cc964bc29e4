import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { canonicalDeviceType } from '@smi/contracts';
import { DomainError } from '@smi/decider';
import { DataSource } from 'typeorm';
import { ItemPageView, ItemView, PossibleDuplicatePageView, PossibleDuplicateView } from './items.dto';
import { ITEM_CONTENT_COLUMNS, ItemContentRow, toItem } from './items.read-model';
import { decodeCursor, encodeCursor } from './page-cursor';

export interface DeviceFilter {
  make?: string;
  model?: string;
  firmwareVersion?: string;
  deviceType?: string;
}

interface ItemRow extends ItemContentRow {
  provider_party_id: string;
  content_hash: string;
  version: number;
  first_submission_id: string;
  last_submission_id: string;
  created_at: Date;
  updated_at: Date;
}

interface FlagRow {
  flag_id: string;
  provider_party_id: string;
  identifier: string;
  make: string;
  model: string;
  firmware_version: string;
  device_type: string;
  matches: Array<{ providerPartyId: string; identifier: string }>;
  match_count: number;
  submission_id: string;
  flagged_at: Date;
}

const FIRMWARE_SMI_FORM = /^[0-9a-f]{8}$/i;
const DIGITS = /^(0|[1-9][0-9]{0,17})$/;

/** Filter values in the form items are stored in, so a search finds what validation canonicalised. */
function canonicalFilter(filter: DeviceFilter): { make: string | null; model: string | null; firmwareVersion: string | null; deviceType: string | null } {
  const text = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value.trim());
  const firmware = text(filter.firmwareVersion);
  const typeText = text(filter.deviceType);
  const deviceType = typeText === null ? null : canonicalDeviceType(typeText);
  if (deviceType === undefined) {
    throw new DomainError('INVALID_DEVICE_TYPE', `deviceType "${typeText}" is not a device type in the glossary`, { field: 'deviceType' });
  }
  return {
    make: text(filter.make),
    model: text(filter.model),
    firmwareVersion: firmware !== null && FIRMWARE_SMI_FORM.test(firmware) ? firmware.toUpperCase() : firmware,
    deviceType,
  };
}

function toItemView(row: ItemRow): ItemView {
  return {
    provider: row.provider_party_id,
    ...toItem(row),
    contentHash: row.content_hash,
    version: row.version,
    firstSubmissionId: row.first_submission_id,
    lastSubmissionId: row.last_submission_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Read side of the items read model: a provider's own items, DCC's view of all, and the duplicate flags. */
@Injectable()
export class ItemsHandler {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Keyset-paged by (provider, Identifier): a neutral order, no ranking of providers. Both queries order by the
   * table's columns, qualified: a bare name in ORDER BY means the select list's text of the same name, and as text
   * 10 sorts before 9 while the cursor compares numbers.
   */
  async list(actor: Actor, provider: string | undefined, filter: DeviceFilter, cursor: string | undefined, limit: number): Promise<ItemPageView> {
    if (actor.partyType !== 'dcc' && provider !== undefined && provider !== actor.partyId) {
      throw new DomainError('FORBIDDEN_OTHER_PROVIDER', 'a provider sees only its own items');
    }
    const scope = actor.partyType === 'dcc' ? (provider ?? null) : actor.partyId;
    const where = canonicalFilter(filter);
    const after = decodeCursor(cursor, 2);
    if (after && !DIGITS.test(after[1])) throw new DomainError('INVALID_CURSOR', 'cursor is not one this API returned', { field: 'cursor' });
    const rows: ItemRow[] = await this.dataSource.query(
      `SELECT provider_party_id, ${ITEM_CONTENT_COLUMNS},
         content_hash, version, first_submission_id, last_submission_id, created_at, updated_at
       FROM items
       WHERE ($1::text IS NULL OR provider_party_id = $1)
         AND ($2::text IS NULL OR lower(make) = lower($2))
         AND ($3::text IS NULL OR lower(model) = lower($3))
         AND ($4::text IS NULL OR firmware_version = $4)
         AND ($5::text IS NULL OR device_type = $5)
         AND ($6::text IS NULL OR (provider_party_id, identifier) > ($6, $7::bigint))
       ORDER BY items.provider_party_id, items.identifier
       LIMIT $8`,
      [scope, where.make, where.model, where.firmwareVersion, where.deviceType, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toItemView), nextCursor: rows.length > limit && last ? encodeCursor([last.provider_party_id, last.identifier]) : null };
  }

  /** DCC's list of items flagged as possibly duplicating other providers' items, oldest flag first. */
  async possibleDuplicates(filter: DeviceFilter, cursor: string | undefined, limit: number): Promise<PossibleDuplicatePageView> {
    const where = canonicalFilter(filter);
    const after = decodeCursor(cursor, 1);
    if (after && !/^[0-9]{1,18}$/.test(after[0])) throw new DomainError('INVALID_CURSOR', 'cursor is not one this API returned', { field: 'cursor' });
    const rows: FlagRow[] = await this.dataSource.query(
      `SELECT flag_id::text AS flag_id, provider_party_id, identifier::text AS identifier, make, model, firmware_version,
         device_type, matches, match_count, submission_id, flagged_at
       FROM item_possible_duplicates
       WHERE ($1::text IS NULL OR lower(make) = lower($1))
         AND ($2::text IS NULL OR lower(model) = lower($2))
         AND ($3::text IS NULL OR firmware_version = $3)
         AND ($4::text IS NULL OR device_type = $4)
         AND ($5::bigint IS NULL OR flag_id > $5::bigint)
       ORDER BY item_possible_duplicates.flag_id
       LIMIT $6`,
      [where.make, where.model, where.firmwareVersion, where.deviceType, after?.[0] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const view = (row: FlagRow): PossibleDuplicateView => ({
      flagId: row.flag_id,
      provider: row.provider_party_id,
      identifier: row.identifier,
      make: row.make,
      model: row.model,
      firmwareVersion: row.firmware_version,
      deviceType: row.device_type,
      matches: row.matches,
      matchCount: row.match_count,
      submissionId: row.submission_id,
      flaggedAt: row.flagged_at.toISOString(),
    });
    return { possibleDuplicates: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor([last.flag_id]) : null };
  }
}
