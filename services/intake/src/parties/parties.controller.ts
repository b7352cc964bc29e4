import { Body, Controller, ForbiddenException, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { ChangePartyDetailsDto, PartyView, RegisterPartyDto } from './parties.dto';
import { PartiesHandler } from './parties.handler';

@ApiTags('parties')
@Controller('parties')
export class PartiesController {
  constructor(private readonly parties: PartiesHandler) {}

  @Post()
  @HttpCode(201)
  @Authorize({ partyTypes: ['dcc'], roles: ['registry.admin'] })
  @ApiOperation({ summary: 'Register a provider or reader of the defects database (DCC, role registry.admin)' })
  @ApiOkResponse({ type: PartyView })
  register(@Body() body: RegisterPartyDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<PartyView> {
    return this.parties.register(body, actor, correlationId);
  }

  @Put(':partyId')
  @Authorize({ partyTypes: ['dcc'], roles: ['registry.admin'] })
  @ApiOperation({ summary: "Change a party's name or the makes it answers for (DCC, role registry.admin)" })
  @ApiOkResponse({ type: PartyView })
  change(@Param('partyId') partyId: string, @Body() body: ChangePartyDetailsDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<PartyView> {
    return this.parties.change(partyId, body, actor, correlationId);
  }

  @Get()
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'List registered parties (DCC only)' })
  @ApiQuery({ name: 'partyType', required: false })
  @ApiOkResponse({ type: [PartyView] })
  list(@Query('partyType') partyType?: string): Promise<PartyView[]> {
    return this.parties.list(partyType);
  }

  @Get('overview')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'Dashboard: registered parties and declared makes per party type (DCC only)' })
  overview(): Promise<Array<{ partyType: string; parties: number; makes: number }>> {
    return this.parties.overview();
  }

  @Get(':partyId')
  @Authorize({})
  @ApiOperation({ summary: 'One party: DCC sees any, a party sees itself' })
  @ApiOkResponse({ type: PartyView })
  get(@Param('partyId') partyId: string, @CurrentActor() actor: Actor): Promise<PartyView> {
    if (actor.partyType !== 'dcc' && actor.partyId !== partyId) throw new ForbiddenException('a party may only read its own registration');
    return this.parties.get(partyId);
  }
}
