import { Module } from '@nestjs/common';
import { VariantOutliersController } from './variant-outliers.controller';
import { VariantOutliersQueries } from './variant-outliers.queries';

/** GET /reports/variant-outliers: the likely wrong ESME Variants, from smi_devices. */
@Module({ controllers: [VariantOutliersController], providers: [VariantOutliersQueries] })
export class VariantOutliersModule {}
