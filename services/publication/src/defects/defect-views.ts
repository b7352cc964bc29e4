import { DomainError } from '@smi/decider';
import { DccItem, FieldChange, ITEM_FIELD_COLUMNS, PublishedItemRow, PublishedItemVersionRow } from '../defect-catalogue';
import { DccDefectView, DefectVersionView, PublishedDefectView } from './defects.dto';

/*
 * What each audience is shown of an item row: every route that shows items (search, an item, the Device Model
 * Combination check, affected devices) writes it with these, so a reader outside DCC sees the same published
 * fields everywhere and nothing of DCC's.
 */

/** A row as PostgreSQL returns it: timestamps as Dates. */
type Timestamped<T, K extends keyof T> = Omit<T, K> & { [P in K]: Date };
export type DccRow = Timestamped<DccItem, 'opened_at' | 'updated_at'>;
export type PublishedRow = Timestamped<PublishedItemRow, 'first_published_at' | 'updated_at'>;
export type VersionRow = Timestamped<PublishedItemVersionRow, 'at'>;

/*
 * The columns each view is written from: lists read only these, never DCC's whole published item (`item`) or the
 * search columns, which would cost PostgreSQL, the wire and JSON parsing for every row of every page.
 */
export const PUBLISHED_VIEW_COLUMNS = ['case_id', 'version', ...ITEM_FIELD_COLUMNS, 'first_published_at', 'updated_at'] as const satisfies ReadonlyArray<keyof PublishedRow>;

export const DCC_VIEW_COLUMNS = [
  'case_id',
  'case_kind',
  'state',
  'provider_party_id',
  'make_id',
  'model_id',
  ...ITEM_FIELD_COLUMNS,
  'verified',
  'published',
  'published_version',
  'version',
  'opened_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof DccRow>;

/** The same answer whether the item never existed or is not published: nothing to tell them apart by. */
export function notFound(): DomainError {
  return new DomainError('DEFECT_NOT_FOUND', 'no defect has this id', { field: 'id' });
}

export function publishedView(row: Pick<PublishedRow, (typeof PUBLISHED_VIEW_COLUMNS)[number]>): PublishedDefectView {
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

export function dccView(row: Pick<DccRow, (typeof DCC_VIEW_COLUMNS)[number]>): DccDefectView {
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

export function versionView(row: VersionRow): DefectVersionView {
  return { version: row.version, change: row.change, at: row.at.toISOString(), changes: row.changes as FieldChange[] };
}
