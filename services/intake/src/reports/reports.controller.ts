import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { REPORTER_PARTY_TYPES } from './report.decider';
import { ReportItemDto, ReportView } from './reports.dto';
import { ReportsHandler } from './reports.handler';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsHandler) {}

  @Post()
  @HttpCode(201)
  @Authorize({ partyTypes: [...REPORTER_PARTY_TYPES] })
  @ApiOperation({ summary: 'Report one issue or defect (suppliers, network parties, DCC); manufacturers and CSPs use submissions' })
  @ApiCreatedResponse({ type: ReportView })
  report(@Body() body: ReportItemDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ReportView> {
    return this.reports.report(body, actor, correlationId);
  }

  @Get()
  @Authorize({})
  @ApiOperation({ summary: "Reports in identifier order: the caller's own party's; DCC sees all" })
  @ApiOkResponse({ type: [ReportView] })
  list(@CurrentActor() actor: Actor): Promise<ReportView[]> {
    return this.reports.list(actor);
  }

  @Get(':reportId')
  @Authorize({})
  @ApiOperation({ summary: "One report: the reporter's party or DCC; 404 for anyone else" })
  @ApiOkResponse({ type: ReportView })
  get(@Param('reportId') reportId: string, @CurrentActor() actor: Actor): Promise<ReportView> {
    return this.reports.get(reportId, actor);
  }
}
