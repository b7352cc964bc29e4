import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { preparedRead } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { ReaderAccess } from '../access';
import { firmwareKey } from '../defect-catalogue';
import { dccView, DccRow, publishedView, PublishedRow, searchPlan } from '../defects';
import { DmcCheckAnswer, DmcCheckRequest, DmcMemberAnswer, DmcMemberDto } from './dmc-check.dto';
import { MEMBER_ITEMS_MAX, memberSummary } from './dmc-check';

/**
 * The Device Model Combination check (issue 12 point 3, R6): for each device of one installation, the items known
 * for its make and model (canonical name or alias, as search matches them) and its firmware version (exactly),
 * whether they have a fix and the fixing firmware. The same access as search (R7): every caller outside DCC gets
 * the published items only; DCC gets them too unless it asks for every case with includeUnpublished, which then
 * comes from DCC's view, each item marked with its state.
 */
@Injectable()
export class DmcCheckHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: ReaderAccess,
  ) {}

  async check(actor: Actor, request: DmcCheckRequest): Promise<DmcCheckAnswer> {
    const audience = await this.access.audienceOf(actor);
    const everyCase = request.includeUnpublished === true;
    if (everyCase && audience !== 'dcc') {
      throw new DomainError('FORBIDDEN_UNPUBLISHED', 'only DCC may include items that are not published', { field: 'includeUnpublished' });
    }
    const members: DmcMemberAnswer[] = [];
    for (const member of request.members) {
      const plan = searchPlan(
        everyCase ? 'dcc_items' : 'published_items',
        { make: member.make, model: member.model, firmware: { match: 'exact', key: firmwareKey(member.firmwareVersion) } },
        undefined,
        MEMBER_ITEMS_MAX,
      );
      const rows = await preparedRead<DccRow | PublishedRow>(this.dataSource, plan.sql, plan.params);
      const page = rows.slice(0, MEMBER_ITEMS_MAX);
      const items = everyCase ? page.map((row) => dccView(row as DccRow)) : page.map((row) => publishedView(row as PublishedRow));
      members.push({ ...asked(member), ...memberSummary(items), items, moreItems: rows.length > MEMBER_ITEMS_MAX });
    }
    return { includesUnpublished: everyCase, members };
  }
}

/** The member as the caller wrote it, so each answer says which device it is about. */
function asked(member: DmcMemberDto): Pick<DmcMemberAnswer, 'deviceType' | 'make' | 'model' | 'firmwareVersion'> {
  return { deviceType: member.deviceType, make: member.make, model: member.model, firmwareVersion: member.firmwareVersion };
}
