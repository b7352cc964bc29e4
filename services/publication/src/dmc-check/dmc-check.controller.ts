import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { READER_PARTY_TYPES } from '../access';
import { DccDefectView, PublishedDefectView } from '../defects';
import { DmcCheckAnswer, DmcCheckRequest } from './dmc-check.dto';
import { DmcCheckHandler } from './dmc-check.handler';

@ApiTags('defects')
@ApiExtraModels(PublishedDefectView, DccDefectView)
@Controller('defects')
export class DmcCheckController {
  constructor(private readonly dmc: DmcCheckHandler) {}

  @Post('dmc-check')
  // A question, not a creation: nothing is recorded.
  @HttpCode(200)
  @Authorize({ partyTypes: [...READER_PARTY_TYPES] })
  @ApiOperation({
    summary:
      'Device Model Combination check: for each device of one installation (make, model, firmware version), the published issues and defects, whether they have a fix and the fixing firmware. ' +
      'The same readers as search; DCC may ask for every case with includeUnpublished',
  })
  @ApiOkResponse({ type: DmcCheckAnswer })
  check(@Body() request: DmcCheckRequest, @CurrentActor() actor: Actor): Promise<DmcCheckAnswer> {
    return this.dmc.check(actor, request);
  }
}
