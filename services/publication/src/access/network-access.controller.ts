import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, AuthorizeOptions, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { AllNetworkPartiesDto, EmptyDto, NetworkAccessChange, NetworkAccessList } from './network-access.dto';
import { NetworkAccessHandler } from './network-access.handler';
import { PartyIdPipe } from './party-id.pipe';

/** DCC reads the list; changing who may read the database is a registry change (role registry.admin). */
const READ: AuthorizeOptions = { partyTypes: ['dcc'] };
const WRITE: AuthorizeOptions = { partyTypes: ['dcc'], roles: ['registry.admin'] };

const PARTY_ID = ApiParam({ name: 'partyId', example: 'NET-ED-1', description: "The network party's party id" });
const CHANGE = ApiOkResponse({ type: NetworkAccessChange, description: 'Access after the request, and the events it recorded (none when it changed nothing).' });

@ApiTags('access')
@Controller('access/network-parties')
export class NetworkAccessController {
  constructor(private readonly access: NetworkAccessHandler) {}

  @Get()
  @Authorize(READ)
  @ApiOperation({ summary: 'Network parties that read the published items, and whether every network party does (DCC)' })
  @ApiOkResponse({ type: NetworkAccessList })
  list(): Promise<NetworkAccessList> {
    return this.access.list();
  }

  @Put()
  @Authorize(WRITE)
  @CHANGE
  @ApiOperation({ summary: 'Let every network party read the published items, or only those added by name (DCC, role registry.admin)' })
  setAll(@Body() body: AllNetworkPartiesDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<NetworkAccessChange> {
    return this.access.change({ type: 'SetAllNetworkParties', enabled: body.allNetworkParties }, { actor, correlationId });
  }

  @Put(':partyId')
  @Authorize(WRITE)
  @PARTY_ID
  @CHANGE
  @ApiOperation({ summary: 'Add a network party: it reads the published items from now on (DCC, role registry.admin)' })
  grant(@Param('partyId', PartyIdPipe) partyId: string, @Body() _body: EmptyDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<NetworkAccessChange> {
    return this.access.change({ type: 'GrantNetworkAccess', partyId }, { actor, correlationId });
  }

  @Delete(':partyId')
  @Authorize(WRITE)
  @PARTY_ID
  @CHANGE
  @ApiOperation({ summary: 'Remove a network party added by name: it sees nothing again unless every network party is let in (DCC, role registry.admin)' })
  revoke(@Param('partyId', PartyIdPipe) partyId: string, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<NetworkAccessChange> {
    return this.access.change({ type: 'RevokeNetworkAccess', partyId }, { actor, correlationId });
  }
}
