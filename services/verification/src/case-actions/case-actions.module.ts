import { Module } from '@nestjs/common';
import { CaseStoreModule } from '../case-store';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { CaseActionsController } from './case-actions.controller';
import { CaseActionsHandler } from './case-actions.handler';

/** What DCC, providers and accountable parties do to a case over HTTP. */
@Module({
  imports: [CaseStoreModule, CatalogueModule],
  controllers: [CaseActionsController],
  providers: [CaseActionsHandler],
})
export class CaseActionsModule {}
