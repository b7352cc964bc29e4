import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { DeviceFilterQuery, ItemPageView, ListItemsQuery, PossibleDuplicatePageView } from './items.dto';
import { ItemsHandler } from './items.handler';

@ApiTags('items')
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsHandler) {}

  @Get()
  @Authorize({ partyTypes: ['manufacturer', 'csp', 'dcc'] })
  @ApiOperation({ summary: 'Submitted items by make, model, firmware version and device type: a provider sees its own, DCC all' })
  @ApiOkResponse({ type: ItemPageView })
  list(@Query() query: ListItemsQuery, @CurrentActor() actor: Actor): Promise<ItemPageView> {
    return this.items.list(actor, query.provider, query, query.cursor, query.limit ?? 100);
  }

  @Get('possible-duplicates')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'Items naming the same device as other providers’ items, for DCC’s verifiers (never merged)' })
  @ApiOkResponse({ type: PossibleDuplicatePageView })
  possibleDuplicates(@Query() query: DeviceFilterQuery): Promise<PossibleDuplicatePageView> {
    return this.items.possibleDuplicates(query, query.cursor, query.limit ?? 100);
  }
}
