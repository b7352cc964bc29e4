import { Module } from '@nestjs/common';
import { CatalogueLookup } from './catalogue-lookup';
import { CatalogueController } from './catalogue.controller';
import { CatalogueHandler } from './catalogue.handler';

/** The DCC catalogue of canonical makes and models; the case workflow uses it through CatalogueLookup. */
@Module({
  controllers: [CatalogueController],
  providers: [CatalogueHandler, CatalogueLookup],
  exports: [CatalogueLookup],
})
export class CatalogueModule {}
