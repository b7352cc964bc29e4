import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { VariantOutliersQuery, VariantOutliersView } from './variant-outliers.dto';
import { VariantOutliersQueries } from './variant-outliers.queries';

@ApiTags('variant-outliers')
@Controller('reports')
export class VariantOutliersController {
  constructor(private readonly queries: VariantOutliersQueries) {}

  @Get('variant-outliers')
  @Authorize({ partyTypes: ['dcc', 'supplier'] })
  @ApiOperation({
    summary: 'ESMEs whose variant letter differs from the one most ESMEs of the same manufacturer and model carry (the likely wrong variants)',
    description:
      'The first letter of an ESME Variant (A single, B twin, C polyphase element) is a property of the model. The majority letter of each ' +
      'manufacturer and model is counted over the whole SMI; a model whose top letters tie has no majority and is not listed. ' +
      'Counts per Responsible Supplier and model (`groups`), and the ESMEs by manufacturer, model and Device ID (`items`, keyset pages). ' +
      'A supplier sees only the ESMEs it is Responsible Supplier for; DCC sees all, or one supplier with `responsibleSupplier`.',
  })
  @ApiOkResponse({ type: VariantOutliersView })
  @ApiBadRequestResponse({ description: 'A filter, limit or cursor is invalid: `{errors: [{field, reason}]}`.' })
  list(@Query() query: VariantOutliersQuery, @CurrentActor() actor: Actor): Promise<VariantOutliersView> {
    return this.queries.list(query, actor);
  }
}
