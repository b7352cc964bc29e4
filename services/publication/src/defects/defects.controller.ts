import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { READER_PARTY_TYPES } from '../access';
import { DccDefectDetail, DccDefectPage, PublishedDefectDetail, PublishedDefectPage, SearchDefectsQuery } from './defects.dto';
import { DefectsHandler } from './defects.handler';
import { ItemIdPipe } from './item-id.pipe';

@ApiTags('defects')
@ApiExtraModels(PublishedDefectPage, DccDefectPage, PublishedDefectDetail, DccDefectDetail)
@Controller('defects')
export class DefectsController {
  constructor(private readonly defects: DefectsHandler) {}

  @Get()
  @Authorize({ partyTypes: [...READER_PARTY_TYPES] })
  @ApiOperation({
    summary:
      'Search the defects database by make, model, firmware version (exact or 3804*), device type, status, source, fix, date and words, in the neutral order make, model, firmware version, Identifier. ' +
      'DCC: every item in every state; suppliers, manufacturers, CSPs, SECAS and network parties DCC added: published items only',
  })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(PublishedDefectPage) }, { $ref: getSchemaPath(DccDefectPage) }] } })
  search(@Query() query: SearchDefectsQuery, @CurrentActor() actor: Actor): Promise<PublishedDefectPage | DccDefectPage> {
    return this.defects.search(actor, query);
  }

  @Get(':id')
  @Authorize({ partyTypes: [...READER_PARTY_TYPES] })
  @ApiParam({ name: 'id', format: 'uuid', example: '0b7c3d52-6f0e-8c55-9a35-2f1c3f0d9a01', description: "The item's id" })
  @ApiOperation({ summary: 'One item with every published version and what each changed; outside DCC an item that is not published is not found' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(PublishedDefectDetail) }, { $ref: getSchemaPath(DccDefectDetail) }] } })
  get(@Param('id', ItemIdPipe) id: string, @CurrentActor() actor: Actor): Promise<PublishedDefectDetail | DccDefectDetail> {
    return this.defects.get(actor, id);
  }
}
