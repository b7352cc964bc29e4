import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { DataSource } from 'typeorm';
import { ReaderAccess } from '../access';
import { DccItem, FieldChange, PublishedItemRow, PublishedItemVersionRow, spellingKey } from '../defect-catalogue';
import { criteriaOf, CursorRow, decodeSearchCursor, ResolvedSpelling, SearchInput, searchCursorAfter, searchPlan } from './defect-search';
import {
  DccDefectDetail,
  DccDefectPage,
  DccDefectVersionView,
  DccDefectView,
  DefectVersionView,
  PublishedDefectDetail,
  PublishedDefectPage,
  PublishedDefectView,
} from './defects.dto';

/** A row as PostgreSQL returns it: timestamps as Dates. */
type Timestamped<T, K extends keyof T> = Omit<T, K> & { [P in K]: Date };
type DccRow = Timestamped<DccItem, 'opened_at' | 'updated_at'>;
type PublishedRow = Timestamped<PublishedItemRow, 'first_published_at' | 'updated_at'>;
type VersionRow = Timestamped<PublishedItemVersionRow, 'at'>;

/**
 * The searchable defects database (R1, R6, R7): DCC searches every case in every state (dcc_items); everyone
 * else the published items only (published_items). Nothing unpublished reaches a reader outside DCC by any of
 * these routes: their queries never touch dcc_items, and an item that is not published is "not found" exactly as
 * one that never existed.
 */
@Injectable()
export class DefectsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: ReaderAccess,
  ) {}

  async search(actor: Actor, input: SearchInput & { cursor?: string; limit?: number }): Promise<DccDefectPage | PublishedDefectPage> {
    const audience = await this.access.audienceOf(actor);
    const after = decodeSearchCursor(input.cursor);
    const limit = input.limit ?? 50;
    const criteria = criteriaOf(input);
    const spellings = {
      make: criteria.make === undefined ? undefined : await this.resolve('make', criteria.make),
      model: criteria.model === undefined ? undefined : await this.resolve('model', criteria.model),
    };
    const plan = searchPlan(audience === 'dcc' ? 'dcc_items' : 'published_items', criteria, spellings, after, limit);
    const rows: Array<(DccRow | PublishedRow) & CursorRow> = await this.dataSource.query(plan.sql, plan.params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? searchCursorAfter(last) : null;
    if (audience === 'dcc') return { items: page.map((row) => dccView(row as DccRow)), nextCursor };
    return { items: page.map((row) => publishedView(row as PublishedRow)), nextCursor };
  }

  async get(actor: Actor, id: string): Promise<DccDefectDetail | PublishedDefectDetail> {
    const audience = await this.access.audienceOf(actor);
    const published: PublishedRow[] = await this.dataSource.query(`SELECT * FROM published_items WHERE case_id = $1`, [id]);
    const cases: DccRow[] = audience === 'dcc' ? await this.dataSource.query(`SELECT * FROM dcc_items WHERE case_id = $1`, [id]) : [];
    if (audience === 'published' ? published.length === 0 : cases.length === 0) throw notFound();
    const versions: VersionRow[] = await this.dataSource.query(`SELECT * FROM published_item_versions WHERE case_id = $1 ORDER BY version`, [id]);
    if (audience === 'published') return { ...publishedView(published[0]), history: versions.map(versionView) };
    return {
      ...dccView(cases[0]),
      publishedItem: published.length > 0 ? publishedView(published[0]) : null,
      history: versions.map((row): DccDefectVersionView => ({ ...versionView(row), reason: row.reason, item: row.item })),
    };
  }

  /** A make or model as asked for: the catalogue entries with that spelling and every spelling they have. */
  private async resolve(kind: 'make' | 'model', spelling: string): Promise<ResolvedSpelling> {
    const key = spellingKey(spelling);
    const [row]: Array<{ ids: string[]; keys: string[] }> = await this.dataSource.query(
      `SELECT coalesce(array_agg(DISTINCT s.entity_id), '{}') AS ids, coalesce(array_agg(DISTINCT s.spelling_key), '{}') AS keys
         FROM catalogue_spellings s
        WHERE s.kind = $1 AND s.entity_id IN (SELECT entity_id FROM catalogue_spellings WHERE kind = $1 AND spelling_key = $2)`,
      [kind, key],
    );
    return { ids: row.ids, keys: [...new Set([key, ...row.keys])] };
  }
}

/** The same answer whether the item never existed or is not published: nothing to tell them apart by. */
function notFound(): DomainError {
  return new DomainError('DEFECT_NOT_FOUND', 'no defect has this id', { field: 'id' });
}

function publishedView(row: PublishedRow): PublishedDefectView {
  return {
    id: row.case_id,
    version: row.version,
    identifier: row.identifier,
    make: row.make,
    model: row.model,
    manufacturerId: row.manufacturer_id,
    smiModelId: row.smi_model_id,
    submittedMake: row.submitted_make,
    submittedModel: row.submitted_model,
    firmwareVersion: row.firmware_version,
    deviceType: row.device_type,
    source: row.source,
    statusOfInformation: row.status_of_information,
    dateLastUpdated: row.date_last_updated,
    fixAvailable: row.fix_available,
    fixInformation: row.fix_information,
    fixingFirmwareVersion: row.fixing_firmware_version,
    description: row.description,
    publishedAt: row.first_published_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function dccView(row: DccRow): DccDefectView {
  return {
    id: row.case_id,
    caseKind: row.case_kind,
    state: row.state,
    provider: row.provider_party_id,
    identifier: row.identifier,
    make: row.make,
    model: row.model,
    makeId: row.make_id,
    modelId: row.model_id,
    manufacturerId: row.manufacturer_id,
    smiModelId: row.smi_model_id,
    submittedMake: row.submitted_make,
    submittedModel: row.submitted_model,
    firmwareVersion: row.firmware_version,
    deviceType: row.device_type,
    source: row.source,
    statusOfInformation: row.status_of_information,
    dateLastUpdated: row.date_last_updated,
    fixAvailable: row.fix_available,
    fixInformation: row.fix_information,
    fixingFirmwareVersion: row.fixing_firmware_version,
    description: row.description,
    verified: row.verified,
    published: row.published,
    publishedVersion: row.published_version,
    version: row.version,
    openedAt: row.opened_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function versionView(row: VersionRow): DefectVersionView {
  return { version: row.version, change: row.change, at: row.at.toISOString(), changes: row.changes as FieldChange[] };
}
