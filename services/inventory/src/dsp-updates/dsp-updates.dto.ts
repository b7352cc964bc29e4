import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { SMI_STATUSES, SmiStatus } from '../device-aggregate';
import { DeviceView } from '../smi-read-model/smi-devices.dto';
import { IsCalendarDate, IsEui64 } from '../request-validation/validators';

const REPORT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const REPORT_ID_MESSAGE = 'reportId must be 1-128 letters, digits, ".", "_", ":" or "-"';

/** A class to add a report's fields to: the HTTP body's base or the Kafka message's envelope. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript takes a mixin's base only as `new (...args: any[])`
type DtoBase = new (...args: any[]) => object;

/** The HTTP body's base: the device is named in the path, so the body has only the report's own fields. */
class HttpReportBody {}

/*
 * The fields of each kind of report, added (as a mixin) to the base each channel needs: the HTTP body names the
 * device in its path, the Kafka message carries it in an envelope with the sender. One definition, so both
 * channels accept the same reports.
 */

function withStatusUpdateFields<Base extends DtoBase>(base: Base) {
  class StatusUpdateFields extends base {
    @ApiProperty({ enum: SMI_STATUSES, example: 'Commissioned', description: 'The status the device has moved to.' })
    @IsIn(SMI_STATUSES)
    status!: SmiStatus;

    @ApiProperty({ example: 'commissioned by the installing supplier', description: 'Why, as the DSP knows it; kept on the event.' })
    @IsString()
    @Length(1, 500)
    reason!: string;
  }
  return StatusUpdateFields;
}

function withSupplierChangeFields<Base extends DtoBase>(base: Base) {
  class SupplierChangeFields extends base {
    @ApiProperty({ example: 'SUPPLIER-B', description: 'Party id of the gaining supplier.' })
    @IsString()
    @Length(1, 64)
    supplierPartyId!: string;

    @ApiPropertyOptional({ example: '90-B3-D5-1F-30-02-00-01', nullable: true, description: "The gaining supplier's DCC User ID, when known." })
    @IsOptional()
    @IsEui64()
    supplierUserId?: string | null;

    @ApiProperty({ example: '2024-06-01', description: 'Date from which the gaining supplier is responsible (recorded, not scheduled).' })
    @IsCalendarDate()
    effectiveFrom!: string;
  }
  return SupplierChangeFields;
}

/** POST /devices/{deviceId}/status */
export class StatusUpdateDto extends withStatusUpdateFields(HttpReportBody) {
  @ApiPropertyOptional({ example: 'dsp-2024-000123', description: "The DSP's own id for this update; defaults to the HTTP request id." })
  @IsOptional()
  @Matches(REPORT_ID, { message: REPORT_ID_MESSAGE })
  reportId?: string;
}

/** POST /devices/{deviceId}/responsible-supplier */
export class SupplierChangeDto extends withSupplierChangeFields(HttpReportBody) {
  @ApiPropertyOptional({ example: 'dsp-2024-000124', description: "The DSP's own id for this update; defaults to the HTTP request id." })
  @IsOptional()
  @Matches(REPORT_ID, { message: REPORT_ID_MESSAGE })
  reportId?: string;
}

/** The integration that sent an update over Kafka. */
export class DspSenderDto {
  @IsString()
  @Length(1, 128)
  userId!: string;

  @IsString()
  @Length(1, 64)
  partyId!: string;

  @IsString()
  @Length(1, 32)
  partyType!: string;

  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  roles!: string[];
}

/**
 * What every `inventory.device-reports` message carries besides its kind's fields. Its checks come before those
 * fields' in a refusal, as each message class lists it first.
 */
class DeviceReportEnvelope {
  @Matches(REPORT_ID, { message: REPORT_ID_MESSAGE })
  reportId!: string;

  @IsEui64()
  deviceId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => DspSenderDto)
  sender!: DspSenderDto;
}

/** `inventory.device-reports`, kind `status`. */
export class StatusUpdateMessageDto extends withStatusUpdateFields(DeviceReportEnvelope) {
  @IsIn(['status'])
  kind!: 'status';
}

/** `inventory.device-reports`, kind `responsible-supplier`. */
export class SupplierChangeMessageDto extends withSupplierChangeFields(DeviceReportEnvelope) {
  @IsIn(['responsible-supplier'])
  kind!: 'responsible-supplier';
}

export class DspUpdateView {
  @ApiProperty({ description: 'False when the device already was in that state (a repeated update): nothing recorded.' })
  recorded!: boolean;

  @ApiProperty({ type: DeviceView })
  device!: DeviceView;
}
