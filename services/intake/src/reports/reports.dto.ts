import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_TYPES, DeviceType } from '@smi/contracts';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { FirmwareVersionField, MakeField, ModelField } from '../device-fields/device-fields.dto';
import { REPORT_DESCRIPTION_MAX, REPORT_REFERENCE_MAX, REPORTABLE_STATUSES } from './report.decider';

export class ReportItemDto {
  @MakeField()
  make!: string;

  @ModelField()
  model!: string;

  @FirmwareVersionField({ example: '3804040A', description: '8 hex characters (the SMI form) are stored in upper case' })
  firmwareVersion!: string;

  @ApiProperty({ example: 'ESME', description: `A glossary device type in any accepted spelling: ${DEVICE_TYPES.join(', ')}` })
  @IsString()
  @Length(1, 100)
  deviceType!: string;

  @ApiProperty({ enum: REPORTABLE_STATUSES, description: 'Issue or Defect; a report cannot be a Fix (use POST /fixes)' })
  @IsString()
  @Length(1, 50)
  statusOfInformation!: string;

  @ApiProperty({ example: 'Meter reboots when the tariff switches at midnight.' })
  @IsString()
  @Length(1, REPORT_DESCRIPTION_MAX)
  description!: string;

  @ApiProperty({ example: '2026-11-14', description: 'yyyy-mm-dd or dd/mm/yyyy; not in the future' })
  @IsString()
  @Length(1, 20)
  dateObserved!: string;

  @ApiPropertyOptional({ example: 'INC-778', description: "The reporter's own reference" })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_REFERENCE_MAX)
  reference?: string;
}

export class ReportView {
  @ApiProperty({ example: 'R-000123' }) reportId!: string;
  @ApiProperty() reporterPartyId!: string;
  @ApiProperty({ enum: ['supplier', 'network', 'dcc'] }) reporterPartyType!: string;
  @ApiProperty({ enum: ['SEC Party', 'DCC'] }) source!: string;
  @ApiProperty({ enum: REPORTABLE_STATUSES }) statusOfInformation!: string;
  @ApiProperty() make!: string;
  @ApiProperty() model!: string;
  @ApiProperty() firmwareVersion!: string;
  @ApiProperty({ enum: DEVICE_TYPES }) deviceType!: DeviceType;
  @ApiProperty() description!: string;
  @ApiProperty({ example: '2026-11-14' }) dateObserved!: string;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
  @ApiProperty() reportedAt!: string;
}
