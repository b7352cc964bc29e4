import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@smi/auth';
import { CaseStatsView } from './case-stats.dto';
import { CaseStatsReader } from './case-stats.reader';

@ApiTags('cases')
@Controller('cases')
export class CaseStatsController {
  constructor(private readonly reader: CaseStatsReader) {}

  @Get('stats')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({
    summary:
      'The DCC dashboard: cases by state and kind, open cases by working days in their state (0-5, 6-15, 16+), the oldest waiting, claimed cases per verifier, cases per party waited on (DCC)',
  })
  @ApiOkResponse({ type: CaseStatsView })
  stats(): Promise<CaseStatsView> {
    return this.reader.stats();
  }
}
