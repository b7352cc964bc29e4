import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Edition, ReleaseItemRow } from './release-rows';
import { RELEASES_OPTIONS, ReleasesOptions } from './releases-options';

/** Every column of a row, sort_identifier as text (a bigint past 2^53 would not survive a JS number). */
export const ROW_COLUMNS = `case_id, case_kind, change, identifier, make, model, submitted_make, submitted_model, manufacturer_id, smi_model_id,
  firmware_version, device_type, source, status_of_information, date_last_updated, fix_available, fix_information, fixing_firmware_version,
  description, version, state, verified, published, published_version, provider_party_id, sort_make, sort_model, sort_firmware,
  sort_identifier::text AS sort_identifier`;

/**
 * The neutral order (R1) of a release's rows: make, model, firmware version, Identifier, item. Qualified by the
 * table's alias: unqualified, ORDER BY would take `sort_identifier` as the text column of the select list.
 */
export function rowOrder(alias: string): string {
  return ['sort_make', 'sort_model', 'sort_firmware', 'sort_identifier', 'case_id'].map((column) => `${alias}.${column}`).join(', ');
}

/** Where a page ends: the next page starts after it. */
export type RowKey = Pick<ReleaseItemRow, 'sort_make' | 'sort_model' | 'sort_firmware' | 'sort_identifier' | 'case_id'>;

/**
 * A release's rows, read a page at a time (PUBLICATION_EXPORT_PAGE_ROWS) in the neutral order, each page a keyset
 * query on the release's own index. Chosen over a server-side cursor: a release never changes, so independent
 * pages read exactly what one cursor would, without holding a connection and a transaction open for as long as a
 * slow client takes to download; and a download holds one page in memory, whatever the release's size.
 */
@Injectable()
export class ReleaseRowsSource {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELEASES_OPTIONS) private readonly options: ReleasesOptions,
  ) {}

  async *pages(number: number, edition: Edition): AsyncGenerator<ReleaseItemRow[]> {
    const limit = this.options.exportPageRows;
    let after: RowKey | null = null;
    for (;;) {
      const rows = await this.page(number, edition, after, limit);
      if (rows.length > 0) yield rows;
      if (rows.length < limit) return;
      after = rows[rows.length - 1];
    }
  }

  /** One page: the rows after `after` (from the first when null), at most `limit`. */
  async page(number: number, edition: Edition, after: RowKey | null, limit: number): Promise<ReleaseItemRow[]> {
    return this.dataSource.query(
      `SELECT ${ROW_COLUMNS} FROM release_items r
        WHERE r.release_number = $1 AND r.edition = $2
          AND ($3::text IS NULL OR (${rowOrder('r')}) > ($3, $4, $5, $6::bigint, $7))
        ORDER BY ${rowOrder('r')} LIMIT $8`,
      [number, edition, after?.sort_make ?? null, after?.sort_model ?? null, after?.sort_firmware ?? null, after?.sort_identifier ?? null, after?.case_id ?? null, limit],
    );
  }
}
