import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@smi/service-runtime';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class DeviceFilterQuery {
  @ApiPropertyOptional({ description: 'Exact make, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  make?: string;

  @ApiPropertyOptional({ description: 'Exact model, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional({ description: 'Exact firmware version (8 hex characters in any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  firmwareVersion?: string;

  @ApiPropertyOptional({ description: 'A glossary device type (ESME, GSME, CHF, GPF, PPMID, HCALCS, IHD, CAD, TYPE2) or an accepted spelling of one' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  deviceType?: string;

  @PageCursor({ maxLength: 512, description: 'nextCursor of the previous page' })
  cursor?: string;

  @PageLimit({ max: 1000, default: 100 })
  limit?: number;
}

export class ListItemsQuery extends DeviceFilterQuery {
  @ApiPropertyOptional({ description: 'DCC only: one provider’s items' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'provider must be a party id' })
  provider?: string;
}

export class ItemView {
  @ApiProperty({ description: 'Party id of the manufacturer or CSP that submitted it' }) provider!: string;
  @ApiProperty({ description: 'The provider’s Identifier (digits); with the provider, the item’s key' }) identifier!: string;
  @ApiProperty() make!: string;
  @ApiProperty() model!: string;
  @ApiProperty() firmwareVersion!: string;
  @ApiProperty() deviceType!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ enum: ['Issue', 'Defect', 'Fix'] }) statusOfInformation!: string;
  @ApiProperty({ format: 'date' }) dateLastUpdated!: string;
  @ApiProperty() fixAvailable!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'As submitted: may start with =, +, - or @ (never evaluate it)' }) fixInformation!: string | null;
  @ApiProperty() contentHash!: string;
  @ApiProperty({ description: 'Version of the item stream' }) version!: number;
  @ApiProperty({ format: 'uuid' }) firstSubmissionId!: string;
  @ApiProperty({ format: 'uuid', description: 'The last submission that changed it' }) lastSubmissionId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ItemPageView {
  @ApiProperty({ type: [ItemView] }) items!: ItemView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ItemRefView {
  @ApiProperty() providerPartyId!: string;
  @ApiProperty() identifier!: string;
}

export class PossibleDuplicateView {
  @ApiProperty() flagId!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() identifier!: string;
  @ApiProperty() make!: string;
  @ApiProperty() model!: string;
  @ApiProperty() firmwareVersion!: string;
  @ApiProperty() deviceType!: string;
  @ApiProperty({ type: [ItemRefView], description: 'Other providers’ items for the same device when flagged (at most 20)' }) matches!: ItemRefView[];
  @ApiProperty() matchCount!: number;
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ format: 'date-time' }) flaggedAt!: string;
}

export class PossibleDuplicatePageView {
  @ApiProperty({ type: [PossibleDuplicateView] }) possibleDuplicates!: PossibleDuplicateView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
