import { ApiProperty } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@smi/service-runtime';
import { ESME_VARIANTS, EsmeVariant, SMI_STATUSES, SmiStatus } from '../device-aggregate';
import { ManufacturerFilter, ModelFilter, ResponsibleSupplierFilter } from '../request-validation/device-filters';

export const MAX_OUTLIERS_PAGE = 1000;
export const DEFAULT_OUTLIERS_PAGE = 100;

export class VariantOutliersQuery {
  @ResponsibleSupplierFilter('Party id (DCC). A supplier always sees only the ESMEs it is Responsible Supplier for.')
  responsibleSupplier?: string;

  @ManufacturerFilter()
  manufacturer?: string;

  @ModelFilter()
  model?: string;

  @PageCursor({ maxLength: 300, description: 'Opaque: the nextCursor of the previous page.' })
  cursor?: string;

  @PageLimit({ max: MAX_OUTLIERS_PAGE, default: DEFAULT_OUTLIERS_PAGE })
  limit?: number;
}

export class VariantOutlierView {
  @ApiProperty({ example: '00-DB-12-34-56-78-90-A1' }) deviceId!: string;
  @ApiProperty({ example: '1063' }) manufacturer!: string;
  @ApiProperty({ example: '00050203' }) model!: string;
  @ApiProperty({ enum: ESME_VARIANTS, example: 'BD' }) esmeVariant!: EsmeVariant;
  @ApiProperty({ enum: ['A', 'B', 'C'], example: 'B', description: 'First letter of the variant: A single, B twin, C polyphase element.' }) letter!: string;
  @ApiProperty({ enum: ['A', 'B', 'C'], example: 'A', description: 'The letter most ESMEs of this manufacturer and model carry.' }) majorityLetter!: string;
  @ApiProperty({ example: 0.9731, description: 'Share of the model’s ESMEs (in the whole SMI) carrying the majority letter.' }) majorityShare!: number;
  @ApiProperty({ enum: SMI_STATUSES, example: 'Commissioned' }) status!: SmiStatus;
  @ApiProperty({ example: 'SUPPLIER-A' }) responsibleSupplier!: string;
}

export class VariantOutlierGroupView {
  @ApiProperty({ example: 'SUPPLIER-A' }) responsibleSupplier!: string;
  @ApiProperty({ example: '1063' }) manufacturer!: string;
  @ApiProperty({ example: '00050203' }) model!: string;
  @ApiProperty({ example: 'A' }) majorityLetter!: string;
  @ApiProperty({ example: 0.9731 }) majorityShare!: number;
  @ApiProperty({ example: 48210, description: 'ESMEs of this manufacturer and model in the whole SMI.' }) modelEsmes!: number;
  @ApiProperty({ example: 46914, description: 'Of which carry the majority letter.' }) majorityEsmes!: number;
  @ApiProperty({ example: 212, description: 'ESMEs of this model, of this Responsible Supplier, whose letter differs from the majority.' }) outliers!: number;
}

export class VariantOutliersView {
  @ApiProperty({ example: 'SUPPLIER-A', nullable: true, type: String, description: 'The Responsible Supplier the list is limited to; null for every one (DCC).' })
  responsibleSupplier!: string | null;
  @ApiProperty({ type: [VariantOutlierGroupView], description: 'Outlier counts per Responsible Supplier, manufacturer and model, in that order.' })
  groups!: VariantOutlierGroupView[];
  @ApiProperty({ type: [VariantOutlierView], description: 'The outlying ESMEs, by manufacturer, model and Device ID.' })
  items!: VariantOutlierView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page of items; null on the last page.' }) nextCursor!: string | null;
}
