import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@smi/service-runtime';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PARTY_ID } from '../access';
import { PublishedDefectView } from '../defects';

class SupplierQuery {
  @ApiPropertyOptional({
    example: 'SUPPLIER-A',
    description: "DCC: one supplier's devices (every supplier's without it). A supplier: its own party or nothing (another is refused 403)",
  })
  @IsOptional()
  @Matches(PARTY_ID, { message: 'supplier must be a party id: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  supplier?: string;
}

/** `GET /affected-devices.csv`: the whole list, as a download. */
export class AffectedDevicesCsvQuery extends SupplierQuery {}

/** `GET /affected-devices`: the published items the devices match, with a count per item; or the same as CSV. */
export class AffectedDevicesQuery extends SupplierQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: one line per device and item it matches, the whole list (no paging), as a download' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';

  @PageCursor({ maxLength: 1024, description: 'nextCursor of the previous page (JSON only)' })
  cursor?: string;

  @PageLimit({ max: 200, default: 50 })
  limit?: number;
}

/** `GET /affected-devices/{itemId}`: the devices one published item matches, by Device ID. */
export class ItemDevicesQuery extends SupplierQuery {
  @PageCursor({ maxLength: 200, description: 'nextCursor of the previous page' })
  cursor?: string;

  @PageLimit({ max: 1000, default: 200 })
  limit?: number;
}

export class AffectedItemView {
  @ApiProperty({ type: PublishedDefectView, description: 'The published item, as GET /defects/{id} shows it' }) item!: PublishedDefectView;
  @ApiProperty({ description: "How many of the devices in scope (the supplier's, or every supplier's for DCC) it matches, in service" }) devices!: number;
}

/** Items in the neutral order of the defects database (make, model, firmware version, Identifier, id), never by count. */
export class AffectedItemsPage {
  @ApiProperty({ nullable: true, type: String, description: 'Whose devices: null when DCC asked for every supplier’s' }) supplier!: string | null;
  @ApiProperty({ type: [AffectedItemView] }) items!: AffectedItemView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AffectedDeviceView {
  @ApiProperty({ example: '00-DB-12-34-56-78-90-A1' }) deviceId!: string;
  @ApiProperty({ example: 'ESME' }) deviceType!: string;
  @ApiProperty({ example: 'Commissioned', description: 'SMI status' }) status!: string;
  @ApiProperty({ example: 'SUPPLIER-A' }) responsibleSupplier!: string;
  @ApiProperty({ example: '1A2B', description: 'SMI manufacturer id' }) manufacturerId!: string;
  @ApiProperty({ example: '0000E470', description: 'SMI model id' }) modelId!: string;
  @ApiProperty({ example: '38040404' }) firmwareVersion!: string;
}

export class ItemDevicesPage {
  @ApiProperty({ nullable: true, type: String }) supplier!: string | null;
  @ApiProperty({ type: PublishedDefectView }) item!: PublishedDefectView;
  @ApiProperty({ type: [AffectedDeviceView], description: 'By Device ID' }) devices!: AffectedDeviceView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
