import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, Length, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import {
  DETAIL_FIELDS,
  DEVICE_TYPES,
  DeviceType,
  ESME_VARIANTS,
  EsmeVariant,
  ResponseCode,
  SMETS_VERSIONS,
  SmetsVersion,
} from '../device-aggregate';
import { IsEui64, IsHex, IsServiceRequestId } from '../request-validation/validators';

const REQUEST_ID_EXAMPLE = '90-B3-D5-1F-30-01-00-01:00-DB-12-34-56-78-90-A0:1001';
const DEVICE_ID_EXAMPLE = '00-DB-12-34-56-78-90-A0';

class ServiceRequestBase {
  @ApiProperty({ example: REQUEST_ID_EXAMPLE, description: 'DUIS RequestID: originator (the sender, DCC User ID) : target (the device) : counter.' })
  @IsServiceRequestId()
  requestId!: string;

  @ApiProperty({ example: DEVICE_ID_EXAMPLE, description: 'Device ID (EUI-64); dashes and case are optional and normalised.' })
  @IsEui64()
  deviceId!: string;
}

/** SR12.2 Device Pre-notification. */
export class PreNotifyDeviceDto extends ServiceRequestBase {
  @ApiProperty({ enum: DEVICE_TYPES, example: 'ESME' })
  @IsIn(DEVICE_TYPES)
  deviceType!: DeviceType;

  @ApiProperty({ example: '1063', description: 'Device Manufacturer id, 4 hex digits.' })
  @IsHex(4)
  manufacturer!: string;

  @ApiProperty({ example: '00050203', description: 'Device Model id, 8 hex digits.' })
  @IsHex(8)
  model!: string;

  @ApiPropertyOptional({ example: '38040404', nullable: true, description: 'Firmware version, 8 hex digits; omit or null for a Type 2 device.' })
  @IsOptional()
  @IsHex(8)
  firmwareVersion?: string | null;

  @ApiProperty({ enum: SMETS_VERSIONS, example: 'SMETS2' })
  @IsIn(SMETS_VERSIONS)
  smetsVersion!: SmetsVersion;

  @ApiPropertyOptional({ enum: ESME_VARIANTS, nullable: true, example: 'A', description: 'ESME only.' })
  @IsOptional()
  @IsIn(ESME_VARIANTS)
  esmeVariant?: EsmeVariant | null;
}

/** Details to change. Leave a field out to keep it; `null` clears firmware version or ESME Variant. */
export class InventoryChangesDto {
  @ApiPropertyOptional({ enum: DEVICE_TYPES })
  @ValidateIf((o: InventoryChangesDto) => o.deviceType !== undefined)
  @IsIn(DEVICE_TYPES)
  deviceType?: DeviceType;

  @ApiPropertyOptional({ example: '1063' })
  @ValidateIf((o: InventoryChangesDto) => o.manufacturer !== undefined)
  @IsHex(4)
  manufacturer?: string;

  @ApiPropertyOptional({ example: '00050203' })
  @ValidateIf((o: InventoryChangesDto) => o.model !== undefined)
  @IsHex(8)
  model?: string;

  @ApiPropertyOptional({ example: '38040405', nullable: true })
  @IsOptional()
  @IsHex(8)
  firmwareVersion?: string | null;

  @ApiPropertyOptional({ enum: SMETS_VERSIONS })
  @ValidateIf((o: InventoryChangesDto) => o.smetsVersion !== undefined)
  @IsIn(SMETS_VERSIONS)
  smetsVersion?: SmetsVersion;

  @ApiPropertyOptional({ enum: ESME_VARIANTS, nullable: true, example: 'B' })
  @IsOptional()
  @IsIn(ESME_VARIANTS)
  esmeVariant?: EsmeVariant | null;
}

function HasSomeChange(): PropertyDecorator {
  return ValidateBy({
    name: 'hasSomeChange',
    validator: {
      validate: (value) => typeof value === 'object' && value !== null && DETAIL_FIELDS.some((f) => (value as Record<string, unknown>)[f] !== undefined),
      defaultMessage: () => `changes must name at least one of ${DETAIL_FIELDS.join(', ')}`,
    },
  });
}

/** SR8.4 Update Inventory. */
export class UpdateInventoryDto extends ServiceRequestBase {
  @ApiProperty({ type: InventoryChangesDto, example: { esmeVariant: 'B' } })
  @IsObject()
  @HasSomeChange()
  @ValidateNested()
  @Type(() => InventoryChangesDto)
  changes!: InventoryChangesDto;
}

/** Who sent a Kafka Service Request, as the DSP gateway that authenticated it names them. */
export class SenderDto {
  @ApiProperty({ example: '90-B3-D5-1F-30-01-00-01', description: 'DCC User ID (EUI-64).' })
  @IsEui64()
  userId!: string;

  @ApiProperty({ example: 'SUPPLIER-A' })
  @IsString()
  @Length(1, 64)
  partyId!: string;

  @ApiProperty({ example: 'supplier', description: 'Any party type; only `supplier` may send these requests (others are answered E2).' })
  @IsString()
  @Length(1, 32)
  partyType!: string;

  @ApiProperty({ example: ['IS'], type: [String] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  roles!: string[];
}

/** SR12.2 as a message on `inventory.service-requests`: the HTTP body plus the reference and the sender. */
export class PreNotifyDeviceMessageDto extends PreNotifyDeviceDto {
  @IsIn(['12.2'])
  serviceReference!: '12.2';

  @IsObject()
  @ValidateNested()
  @Type(() => SenderDto)
  sender!: SenderDto;
}

/** SR8.4 as a message on `inventory.service-requests`. */
export class UpdateInventoryMessageDto extends UpdateInventoryDto {
  @IsIn(['8.4'])
  serviceReference!: '8.4';

  @IsObject()
  @ValidateNested()
  @Type(() => SenderDto)
  sender!: SenderDto;
}

/** The answer to a Service Request: the same over HTTP and on `inventory.service-responses`. */
export class ServiceResponseView {
  @ApiProperty({ example: REQUEST_ID_EXAMPLE, description: 'Canonical RequestID.' })
  requestId!: string;

  @ApiProperty({ enum: ['12.2', '8.4'], example: '8.4' })
  serviceReference!: '12.2' | '8.4';

  @ApiProperty({ example: DEVICE_ID_EXAMPLE })
  deviceId!: string;

  @ApiProperty({
    enum: ['I0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E11', 'E12', 'E19'],
    example: 'I0',
    description: 'I0 success (HTTP 200); E2/E4 403; E19 404; E5 409; E11/E12 422.',
  })
  responseCode!: ResponseCode;

  @ApiProperty({ example: 'ESME Variant corrected from A to B' })
  message!: string;
}
