import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInstant, PageCursor, PageLimit } from '@smi/service-runtime';
import { IsIn, IsOptional } from 'class-validator';
import { DEVICE_TYPES, DeviceType, ESME_VARIANTS, EsmeVariant, SMETS_VERSIONS, SMI_STATUSES, SmetsVersion, SmiStatus } from '../device-aggregate';
import { ManufacturerFilter, ModelFilter, ResponsibleSupplierFilter } from '../request-validation/device-filters';
import { IsHex } from '../request-validation/validators';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

export class DeviceView {
  @ApiProperty({ example: '00-DB-12-34-56-78-90-A0' }) deviceId!: string;
  @ApiProperty({ enum: DEVICE_TYPES, example: 'ESME' }) deviceType!: DeviceType;
  @ApiProperty({ example: '1063' }) manufacturer!: string;
  @ApiProperty({ example: '00050203' }) model!: string;
  @ApiProperty({ example: '38040404', nullable: true, type: String }) firmwareVersion!: string | null;
  @ApiProperty({ enum: SMETS_VERSIONS, example: 'SMETS2' }) smetsVersion!: SmetsVersion;
  @ApiProperty({ enum: ESME_VARIANTS, nullable: true, example: 'B' }) esmeVariant!: EsmeVariant | null;
  @ApiProperty({ enum: SMI_STATUSES, example: 'Commissioned' }) status!: SmiStatus;
  @ApiProperty({ example: '90-B3-D5-1F-30-01-00-01', description: 'DCC User ID that sent the SR12.2.' }) prenotifyingUser!: string;
  @ApiProperty({ example: 'SUPPLIER-A' }) prenotifyingParty!: string;
  @ApiProperty({ example: 'SUPPLIER-B', description: 'Party id of the Responsible Supplier.' }) responsibleSupplier!: string;
  @ApiProperty({ example: '90-B3-D5-1F-30-02-00-01', nullable: true, type: String }) responsibleSupplierUser!: string | null;
  @ApiProperty({
    example: 'SUPPLIER-B',
    nullable: true,
    type: String,
    description: 'Party id of the gaining supplier whose ESME Variant check after a Change of Supplier is due (SECMP0125 §5.6); null when none is due.',
  })
  variantCheckDueBy!: string | null;
  @ApiProperty({ example: 7, description: 'Version of the device stream (every recorded event, refusals included).' }) version!: number;
  @ApiProperty({ example: '2024-05-01T09:30:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2024-06-01T10:00:00.000Z' }) updatedAt!: string;
  @ApiPropertyOptional({ example: '2024-05-20T00:00:00.000Z', description: 'Set when the state was rebuilt as of this instant.' }) asOf?: string;
}

export class DevicePageView {
  @ApiProperty({ type: [DeviceView] }) items!: DeviceView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.' }) nextCursor!: string | null;
}

export class DeviceHistoryEntryView {
  @ApiProperty({ example: 'device-00-DB-12-34-56-78-90-A0' }) streamId!: string;
  @ApiProperty({ example: 3 }) streamVersion!: number;
  @ApiProperty({ example: '1042', description: 'Global position in the event store.' }) position!: string;
  @ApiProperty({ example: 'ServiceRequestRefused' }) type!: string;
  @ApiProperty({ type: Object, description: 'The event data as recorded (contracts/events/inventory).' }) data!: Record<string, unknown>;
  @ApiProperty({ type: Object, nullable: true, example: { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] } })
  actor!: { userId: string; partyId: string; partyType: string; roles: string[] } | null;
  @ApiProperty({ example: '6f1c1c3e-3c1b-4b3c-9e0c-0d7f1e2a3b4c', description: 'HTTP request id, or the RequestID for Kafka.' }) correlationId!: string;
  @ApiPropertyOptional({ enum: ['http', 'kafka'] }) channel?: string;
  @ApiProperty({ example: '2024-05-01T09:30:00.000Z' }) recordedAt!: string;
}

export class DeviceHistoryView {
  @ApiProperty({ example: '00-DB-12-34-56-78-90-A0' }) deviceId!: string;
  @ApiProperty({ type: [DeviceHistoryEntryView], description: 'Device events and the answers to every Service Request for it, in recording order.' })
  events!: DeviceHistoryEntryView[];
}

export class GetDeviceQuery {
  @ApiPropertyOptional({ example: '2024-05-20T00:00:00Z', description: 'The device as it was at this instant: events recorded up to it.' })
  @IsOptional()
  @IsInstant()
  asOf?: string;
}

/** `variantCheck` values of GET /devices: only `due` (the devices whose ESME Variant check is due for the caller). */
export const VARIANT_CHECK_FILTERS = ['due'] as const;
export type VariantCheckFilter = (typeof VARIANT_CHECK_FILTERS)[number];

export class ListDevicesQuery {
  @ApiPropertyOptional({ enum: SMI_STATUSES })
  @IsOptional()
  @IsIn(SMI_STATUSES)
  status?: SmiStatus;

  @ApiPropertyOptional({ enum: DEVICE_TYPES })
  @IsOptional()
  @IsIn(DEVICE_TYPES)
  deviceType?: DeviceType;

  @ManufacturerFilter()
  manufacturer?: string;

  @ModelFilter()
  model?: string;

  @ApiPropertyOptional({ example: '38040404' })
  @IsOptional()
  @IsHex(8)
  firmwareVersion?: string;

  @ApiPropertyOptional({ enum: ESME_VARIANTS })
  @IsOptional()
  @IsIn(ESME_VARIANTS)
  esmeVariant?: EsmeVariant;

  @ResponsibleSupplierFilter('Party id. A supplier always sees only its own devices.')
  responsibleSupplier?: string;

  @ApiPropertyOptional({
    enum: VARIANT_CHECK_FILTERS,
    description:
      'due: only the ESMEs whose ESME Variant check after a Change of Supplier is due (SECMP0125 §5.6). A supplier gets those due for it; DCC and the DSP get all, or one supplier with responsibleSupplier.',
  })
  @IsOptional()
  @IsIn(VARIANT_CHECK_FILTERS)
  variantCheck?: VariantCheckFilter;

  @PageCursor({ maxLength: 200, description: 'Opaque: the nextCursor of the previous page.' })
  cursor?: string;

  @PageLimit({ max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  limit?: number;
}
