import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, AuthorizeOptions, CurrentActor } from '@smi/auth';
import { CorrelationId, uuidParam } from '@smi/service-runtime';
import { CatalogueLookup, CatalogueResolution } from './catalogue-lookup';
import { AddAliasDto, AddMakeDto, AddModelDto, ChangeMakeDto, ChangeModelDto, ListMakesQuery, MakeView, ModelView, ResolveQuery } from './catalogue.dto';
import { CatalogueHandler } from './catalogue.handler';

/** The catalogue is the DCC's working tool: DCC reads it, its verifiers change it. */
const READ: AuthorizeOptions = { partyTypes: ['dcc'] };
const WRITE: AuthorizeOptions = { partyTypes: ['dcc'], roles: ['verifier'] };

const MAKE_ID_PARAM = ApiParam({ name: 'makeId', format: 'uuid', example: '0b7c3d52-6f0e-4c55-9a35-2f1c3f0d9a01' });
const MODEL_ID_PARAM = ApiParam({ name: 'modelId', format: 'uuid', example: '6a1e8b1e-0c9e-4a8e-8d0c-3c1b7b0f2e02' });

@ApiTags('catalogue')
@Controller('catalogue')
export class CatalogueController {
  constructor(
    private readonly catalogue: CatalogueHandler,
    private readonly lookup: CatalogueLookup,
  ) {}

  @Get('makes')
  @Authorize(READ)
  @ApiOperation({ summary: 'Canonical makes with their aliases, ids and models; ?q= finds names and aliases containing or close to it (DCC)' })
  @ApiOkResponse({ type: [MakeView] })
  list(@Query() query: ListMakesQuery): Promise<MakeView[]> {
    return this.catalogue.list(query.q);
  }

  @Post('makes')
  @HttpCode(201)
  @Authorize(WRITE)
  @ApiOperation({ summary: 'Add a canonical make (DCC, role verifier); a spelling or manufacturer id another make holds is 409' })
  @ApiCreatedResponse({ type: MakeView })
  addMake(@Body() body: AddMakeDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<MakeView> {
    return this.catalogue.addMake(body, { actor, correlationId });
  }

  @Get('resolve')
  @Authorize(READ)
  @ApiOperation({ summary: "An item's make and model as spelled, resolved to canonical names and ids, or what is missing with suggestions (DCC)" })
  resolve(@Query() query: ResolveQuery): Promise<CatalogueResolution> {
    return this.lookup.resolve(query.make, query.model);
  }

  @Get('makes/:makeId')
  @Authorize(READ)
  @MAKE_ID_PARAM
  @ApiOperation({ summary: 'One make with its models (DCC)' })
  @ApiOkResponse({ type: MakeView })
  get(@Param('makeId', uuidParam('makeId')) makeId: string): Promise<MakeView> {
    return this.catalogue.get(makeId);
  }

  @Put('makes/:makeId')
  @Authorize(WRITE)
  @MAKE_ID_PARAM
  @ApiOperation({ summary: "Change a make's canonical name or SMI manufacturer id; the previous name stays an alias (DCC, role verifier)" })
  @ApiOkResponse({ type: MakeView })
  changeMake(
    @Param('makeId', uuidParam('makeId')) makeId: string,
    @Body() body: ChangeMakeDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<MakeView> {
    return this.catalogue.changeMake(makeId, body, { actor, correlationId });
  }

  @Post('makes/:makeId/aliases')
  @HttpCode(201)
  @Authorize(WRITE)
  @MAKE_ID_PARAM
  @ApiOperation({ summary: 'Map a new spelling to the make (DCC, role verifier); a spelling of another make is 409 naming it' })
  @ApiCreatedResponse({ type: MakeView })
  addMakeAlias(
    @Param('makeId', uuidParam('makeId')) makeId: string,
    @Body() body: AddAliasDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<MakeView> {
    return this.catalogue.addMakeAlias(makeId, body.alias, { actor, correlationId });
  }

  @Get('makes/:makeId/models')
  @Authorize(READ)
  @MAKE_ID_PARAM
  @ApiOperation({ summary: "A make's canonical models (DCC)" })
  @ApiOkResponse({ type: [ModelView] })
  models(@Param('makeId', uuidParam('makeId')) makeId: string): Promise<ModelView[]> {
    return this.catalogue.models(makeId);
  }

  @Post('makes/:makeId/models')
  @HttpCode(201)
  @Authorize(WRITE)
  @MAKE_ID_PARAM
  @ApiOperation({ summary: 'Add a canonical model to a make (DCC, role verifier); a spelling of another model of the make is 409' })
  @ApiCreatedResponse({ type: ModelView })
  addModel(
    @Param('makeId', uuidParam('makeId')) makeId: string,
    @Body() body: AddModelDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ModelView> {
    return this.catalogue.addModel(makeId, body, { actor, correlationId });
  }

  @Get('makes/:makeId/models/:modelId')
  @Authorize(READ)
  @MAKE_ID_PARAM
  @MODEL_ID_PARAM
  @ApiOperation({ summary: 'One model of a make (DCC)' })
  @ApiOkResponse({ type: ModelView })
  model(@Param('makeId', uuidParam('makeId')) makeId: string, @Param('modelId', uuidParam('modelId')) modelId: string): Promise<ModelView> {
    return this.catalogue.model(makeId, modelId);
  }

  @Put('makes/:makeId/models/:modelId')
  @Authorize(WRITE)
  @MAKE_ID_PARAM
  @MODEL_ID_PARAM
  @ApiOperation({ summary: "Change a model's canonical name or SMI model id; the previous name stays an alias (DCC, role verifier)" })
  @ApiOkResponse({ type: ModelView })
  changeModel(
    @Param('makeId', uuidParam('makeId')) makeId: string,
    @Param('modelId', uuidParam('modelId')) modelId: string,
    @Body() body: ChangeModelDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ModelView> {
    return this.catalogue.changeModel(makeId, modelId, body, { actor, correlationId });
  }

  @Post('makes/:makeId/models/:modelId/aliases')
  @HttpCode(201)
  @Authorize(WRITE)
  @MAKE_ID_PARAM
  @MODEL_ID_PARAM
  @ApiOperation({ summary: 'Map a new spelling to the model (DCC, role verifier)' })
  @ApiCreatedResponse({ type: ModelView })
  addModelAlias(
    @Param('makeId', uuidParam('makeId')) makeId: string,
    @Param('modelId', uuidParam('modelId')) modelId: string,
    @Body() body: AddAliasDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ModelView> {
    return this.catalogue.addModelAlias(makeId, modelId, body.alias, { actor, correlationId });
  }
}
