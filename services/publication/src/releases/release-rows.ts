import { SUBMISSION_COLUMNS, SubmissionColumn } from '@smi/contracts';

/*
 * A row of a release as `release_items` holds it, and what each edition shows of it in each format. The two
 * editions share the table: the public edition's rows come from `published_items` (published items only, as every
 * reader outside DCC sees them), the DCC edition's from `dcc_items` (every case in every state, marked).
 */

export const EDITIONS = ['dcc', 'public'] as const;
export type Edition = (typeof EDITIONS)[number];

export const FORMATS = ['csv', 'xlsx', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** How the row compares with the same item in the previous release's same edition. */
export type RowChange = 'new' | 'updated' | 'original';

export interface ReleaseItemRow {
  case_id: string;
  case_kind: string;
  change: RowChange;
  identifier: string | null;
  /** Canonical; in the DCC edition null until the case is verified (the submitted spelling is beside it). */
  make: string | null;
  model: string | null;
  submitted_make: string | null;
  submitted_model: string | null;
  manufacturer_id: string | null;
  smi_model_id: string | null;
  firmware_version: string | null;
  device_type: string | null;
  source: string;
  status_of_information: string;
  date_last_updated: string | null;
  fix_available: boolean;
  fix_information: string | null;
  fixing_firmware_version: string | null;
  description: string | null;
  /** The item's publication version (public edition: the version published). */
  version: number | null;
  // The DCC edition's only (null in the public edition):
  state: string | null;
  verified: boolean | null;
  published: boolean | null;
  published_version: number | null;
  provider_party_id: string | null;
  sort_make: string;
  sort_model: string;
  sort_firmware: string;
  /** bigint, as text. */
  sort_identifier: string;
}

/** The row's content every edition exports, by column, with its name in the API. */
const CONTENT_FIELDS = {
  identifier: 'identifier',
  make: 'make',
  model: 'model',
  submitted_make: 'submittedMake',
  submitted_model: 'submittedModel',
  manufacturer_id: 'manufacturerId',
  smi_model_id: 'smiModelId',
  firmware_version: 'firmwareVersion',
  device_type: 'deviceType',
  source: 'source',
  status_of_information: 'statusOfInformation',
  date_last_updated: 'dateLastUpdated',
  fix_available: 'fixAvailable',
  fix_information: 'fixInformation',
  fixing_firmware_version: 'fixingFirmwareVersion',
  description: 'description',
} as const satisfies Partial<Record<keyof ReleaseItemRow, string>>;

/** What DCC's edition shows besides: the case and where it stands. */
const DCC_FIELDS = { case_kind: 'kind', state: 'state', verified: 'verified', published: 'published', provider_party_id: 'providerPartyId' } as const satisfies Partial<
  Record<keyof ReleaseItemRow, string>
>;

type ComparedColumn = keyof typeof CONTENT_FIELDS | keyof typeof DCC_FIELDS;

/**
 * The columns a row is compared by between releases, and hashed by when it is copied: what the edition exports,
 * without the version numbers (a new version that changed only DCC's part of an item is not a change to its
 * readers). The DCC edition compares where the case stands as well.
 */
export const COMPARED_COLUMNS: Record<Edition, readonly ComparedColumn[]> = {
  public: Object.keys(CONTENT_FIELDS) as Array<keyof typeof CONTENT_FIELDS>,
  dcc: [...(Object.keys(CONTENT_FIELDS) as Array<keyof typeof CONTENT_FIELDS>), ...(Object.keys(DCC_FIELDS) as Array<keyof typeof DCC_FIELDS>)],
};

export const FIELD_NAMES: Record<ComparedColumn, string> = { ...CONTENT_FIELDS, ...DCC_FIELDS };

export interface RowFieldChange {
  field: string;
  from: string | boolean | null;
  to: string | boolean | null;
}

/** What changed from one release's row to another's, field by field, in the edition's terms. */
export function changedFields(edition: Edition, before: ReleaseItemRow, after: ReleaseItemRow): RowFieldChange[] {
  return COMPARED_COLUMNS[edition]
    .filter((column) => before[column] !== after[column])
    .map((column) => ({ field: FIELD_NAMES[column], from: before[column] as string | boolean | null, to: after[column] as string | boolean | null }));
}

// Formats -------------------------------------------------------------------------------------------------

/**
 * The submission file's ten columns, as a provider writes them (ISO dates, Yes/No, the glossary's codes), so a
 * CSV of the DCC edition can seed the next submission. The make and model are the canonical ones where DCC has
 * verified them, else as submitted. Items with no Identifier (SEC Party reports, fix proposals) have it empty.
 */
export function submissionCells(row: ReleaseItemRow): Record<SubmissionColumn, string> {
  return {
    Identifier: row.identifier ?? '',
    Make: row.make ?? row.submitted_make ?? '',
    Model: row.model ?? row.submitted_model ?? '',
    'Firmware Version': row.firmware_version ?? '',
    'Device Type': row.device_type ?? '',
    Source: row.source,
    'Status of Information': row.status_of_information,
    'Date last Updated': row.date_last_updated ?? '',
    'Fix Available': row.fix_available ? 'Yes' : 'No',
    'Fix Information': row.fix_information ?? '',
  };
}

export function csvCells(row: ReleaseItemRow): string[] {
  const cells = submissionCells(row);
  return SUBMISSION_COLUMNS.map((column) => cells[column]);
}

const yesNo = (value: boolean | null) => (value === null ? '' : value ? 'Yes' : 'No');
const text = (value: string | number | null) => (value === null ? '' : String(value));

/** The spreadsheet's columns after the ten: what the row is, how it compares with the previous release. */
const XLSX_EXTRA: Record<Edition, Array<{ header: string; cell: (row: ReleaseItemRow) => string }>> = {
  public: [
    { header: 'Item ID', cell: (row) => row.case_id },
    { header: 'Version', cell: (row) => text(row.version) },
    { header: 'Change since previous release', cell: (row) => row.change },
    { header: 'Manufacturer ID', cell: (row) => text(row.manufacturer_id) },
    { header: 'SMI Model ID', cell: (row) => text(row.smi_model_id) },
    { header: 'Submitted Make', cell: (row) => text(row.submitted_make) },
    { header: 'Submitted Model', cell: (row) => text(row.submitted_model) },
    { header: 'Fixing Firmware Version', cell: (row) => text(row.fixing_firmware_version) },
    { header: 'Description', cell: (row) => text(row.description) },
  ],
  dcc: [],
};
XLSX_EXTRA.dcc = [
  ...XLSX_EXTRA.public,
  { header: 'Kind', cell: (row) => row.case_kind },
  { header: 'State', cell: (row) => text(row.state) },
  { header: 'Verified', cell: (row) => yesNo(row.verified) },
  { header: 'Published', cell: (row) => yesNo(row.published) },
  { header: 'Published Version', cell: (row) => text(row.published_version) },
  { header: 'Provider', cell: (row) => text(row.provider_party_id) },
];

export function xlsxHeader(edition: Edition): string[] {
  return [...SUBMISSION_COLUMNS, ...XLSX_EXTRA[edition].map((column) => column.header)];
}

export function xlsxCells(edition: Edition, row: ReleaseItemRow): string[] {
  return [...csvCells(row), ...XLSX_EXTRA[edition].map((column) => column.cell(row))];
}

/** A row as the JSON download and the diff show it. Free text is as provided (JSON is not read as formulas). */
export function jsonItem(edition: Edition, row: ReleaseItemRow): Record<string, unknown> {
  const item: Record<string, unknown> = { id: row.case_id, version: row.version, change: row.change };
  for (const [column, name] of Object.entries(CONTENT_FIELDS)) item[name] = row[column as keyof typeof CONTENT_FIELDS];
  if (edition === 'dcc') {
    for (const [column, name] of Object.entries(DCC_FIELDS)) item[name] = row[column as keyof typeof DCC_FIELDS];
    item.publishedVersion = row.published_version;
  }
  return item;
}
