import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { DATA_REQUEST_ISSUER_PARTY_TYPES, DATA_REQUEST_OVERSEER_PARTY_TYPES, DATA_REQUEST_READER_PARTY_TYPES } from './data-request-access';
import { DataRequestView, IssueDataRequestDto, ListDataRequestsQuery, NonSuppliersQuery, NonSuppliersView } from './data-requests.dto';
import { DataRequestsHandler } from './data-requests.handler';

@ApiTags('data-requests')
@Controller('data-requests')
export class DataRequestsController {
  constructor(private readonly dataRequests: DataRequestsHandler) {}

  @Post()
  @HttpCode(201)
  @Authorize({ partyTypes: DATA_REQUEST_ISSUER_PARTY_TYPES })
  @ApiOperation({ summary: 'Ask a registered manufacturer or CSP for its data by an agreed delivery date (DCC only)' })
  @ApiCreatedResponse({ type: DataRequestView })
  issue(@Body() body: IssueDataRequestDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<DataRequestView> {
    return this.dataRequests.issue(body, actor, correlationId);
  }

  @Get()
  @Authorize({ partyTypes: DATA_REQUEST_READER_PARTY_TYPES })
  @ApiOperation({ summary: 'Data requests by id: DCC and SECAS see all, a provider its own; filter by status' })
  @ApiOkResponse({ type: [DataRequestView] })
  list(@Query() query: ListDataRequestsQuery, @CurrentActor() actor: Actor): Promise<DataRequestView[]> {
    return this.dataRequests.list(actor, query.status);
  }

  @Get('non-suppliers')
  @Authorize({ partyTypes: DATA_REQUEST_OVERSEER_PARTY_TYPES })
  @ApiOperation({ summary: "Providers who did not supply for a quarter's agreed dates: for the release cover sheet (DCC, SECAS)" })
  @ApiOkResponse({ type: NonSuppliersView })
  nonSuppliers(@Query() query: NonSuppliersQuery): Promise<NonSuppliersView> {
    return this.dataRequests.nonSuppliers(query.quarter);
  }

  @Get(':requestId')
  @Authorize({ partyTypes: DATA_REQUEST_READER_PARTY_TYPES })
  @ApiOperation({ summary: 'One data request: DCC, SECAS or the provider asked; 404 for others' })
  @ApiOkResponse({ type: DataRequestView })
  get(@Param('requestId') requestId: string, @CurrentActor() actor: Actor): Promise<DataRequestView> {
    return this.dataRequests.get(requestId, actor);
  }
}
