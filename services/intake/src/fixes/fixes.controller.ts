import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { FIX_PROPOSER_PARTY_TYPES } from './fix.decider';
import { FixView, ProposeFixDto } from './fixes.dto';
import { FixesHandler } from './fixes.handler';

@ApiTags('fixes')
@Controller('fixes')
export class FixesController {
  constructor(private readonly fixes: FixesHandler) {}

  @Post()
  @HttpCode(201)
  @Authorize({ partyTypes: [...FIX_PROPOSER_PARTY_TYPES] })
  @ApiOperation({ summary: 'Propose a fix for an item, a report or a make/model/firmware version; it awaits the manufacturer' })
  @ApiCreatedResponse({ type: FixView })
  propose(@Body() body: ProposeFixDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<FixView> {
    return this.fixes.propose(body, actor, correlationId);
  }

  @Get()
  @Authorize({})
  @ApiOperation({ summary: 'Fix proposals the caller may read (own party, the manufacturer of the make or item, DCC all), by identifier' })
  @ApiOkResponse({ type: [FixView] })
  list(@CurrentActor() actor: Actor): Promise<FixView[]> {
    return this.fixes.list(actor);
  }

  @Get(':fixId')
  @Authorize({})
  @ApiOperation({ summary: 'One fix proposal; 404 for a caller who may not read it' })
  @ApiOkResponse({ type: FixView })
  get(@Param('fixId') fixId: string, @CurrentActor() actor: Actor): Promise<FixView> {
    return this.fixes.get(fixId, actor);
  }
}
