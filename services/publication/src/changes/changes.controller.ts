import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { READER_PARTY_TYPES } from '../access';
import { ChangePage, ChangesQuery } from './changes.dto';
import { ChangesHandler } from './changes.handler';

@ApiTags('changes')
@Controller('changes')
export class ChangesController {
  constructor(private readonly changes: ChangesHandler) {}

  @Get()
  @Authorize({ partyTypes: [...READER_PARTY_TYPES] })
  @ApiOperation({ summary: 'Published items added, changed and withdrawn, in the order recorded: poll with ?after= the last nextCursor' })
  @ApiOkResponse({ type: ChangePage })
  feed(@Query() query: ChangesQuery, @CurrentActor() actor: Actor): Promise<ChangePage> {
    return this.changes.feed(actor, query.after, query.limit ?? 200);
  }
}
