import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { preparedRead } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { ReaderAccess } from '../access';
import { dccView, DccRow, notFound, publishedView, PublishedRow, versionView, VersionRow } from './defect-views';
import { criteriaOf, CursorRow, decodeSearchCursor, SearchInput, searchCursorAfter, searchPlan } from './defect-search';
import { DccDefectDetail, DccDefectPage, DccDefectVersionView, PublishedDefectDetail, PublishedDefectPage } from './defects.dto';

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
    const plan = searchPlan(audience === 'dcc' ? 'dcc_items' : 'published_items', criteria, after, limit);
    const rows = await preparedRead<(DccRow | PublishedRow) & CursorRow>(this.dataSource, plan.sql, plan.params);
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
}
