import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { uuidParam } from '@smi/service-runtime';
import { CasePage, CasePageDoc, CaseWithHistory, CaseWithHistoryDoc, ListCasesQuery } from './case-queue.dto';
import { CaseQueueHandler } from './case-queue.handler';

/**
 * Any authenticated party may ask: what it gets is decided per case (case-visibility.ts), so that a party with
 * nothing to see gets an empty list or a 404, the same as for a case that does not exist.
 */
@ApiTags('cases')
@Controller('cases')
export class CaseQueueController {
  constructor(private readonly queue: CaseQueueHandler) {}

  @Get()
  @Authorize({})
  @ApiOperation({
    summary:
      'Verification cases, oldest first: DCC all; a provider its own; a manufacturer or CSP those waiting on its agreement or confirmation. ' +
      'assignee is DCC only, provider and waitingOn name only the caller unless it is DCC (403)',
  })
  @ApiOkResponse({ type: CasePageDoc })
  list(@Query() query: ListCasesQuery, @CurrentActor() actor: Actor): Promise<CasePage> {
    return this.queue.list(actor, query);
  }

  @Get(':caseId')
  @Authorize({})
  @ApiParam({ name: 'caseId', format: 'uuid', example: '3f2b8c1e-5a4d-8e6f-9a0b-1c2d3e4f5a6b' })
  @ApiOperation({ summary: 'One case with its history, as the caller may see it; 404 for a case the caller may not see' })
  @ApiOkResponse({ type: CaseWithHistoryDoc })
  @ApiNotFoundResponse({ description: 'No such case, or not one the caller may see (CASE_NOT_FOUND)' })
  get(@Param('caseId', uuidParam('caseId')) caseId: string, @CurrentActor() actor: Actor): Promise<CaseWithHistory> {
    return this.queue.get(actor, caseId);
  }
}
