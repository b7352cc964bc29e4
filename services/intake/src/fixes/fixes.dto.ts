import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_TYPES } from '@smi/contracts';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { maxLengthOf } from '../device-fields/device-fields';
import { FirmwareVersionField, MakeField, ModelField } from '../device-fields/device-fields.dto';
import { FIX_STATUS_AWAITING_CONFIRMATION } from './fix.decider';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class FixedItemDto {
  @ApiProperty({ example: 'MFR-NORTHWIND', description: "The item's provider (manufacturer or CSP party id)" })
  @IsString()
  @Matches(PARTY_ID, { message: 'providerPartyId must be a party id' })
  providerPartyId!: string;

  @ApiProperty({ example: '1042', description: "The provider's Identifier for the item (digits)" })
  @IsString()
  @Length(1, 40)
  identifier!: string;
}

export class FixedDeviceDto {
  @MakeField()
  make!: string;

  @ModelField()
  model!: string;

  @FirmwareVersionField({ example: '3804040A', description: 'The affected firmware version' })
  firmwareVersion!: string;

  @ApiPropertyOptional({ example: 'ESME', description: `Glossary device type: ${DEVICE_TYPES.join(', ')}` })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  deviceType?: string;
}

export class ProposeFixDto {
  @ApiPropertyOptional({ type: FixedItemDto, description: "EITHER a provider's item…" })
  @IsOptional()
  @ValidateNested()
  @Type(() => FixedItemDto)
  item?: FixedItemDto;

  @ApiPropertyOptional({ example: 'R-000123', description: '…OR a report you can read…' })
  @IsOptional()
  @IsString()
  @Matches(/^R-[0-9]{6,}$/, { message: 'reportId must look like R-000123' })
  reportId?: string;

  @ApiPropertyOptional({ type: FixedDeviceDto, description: '…OR the make, model and firmware version it fixes' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FixedDeviceDto)
  device?: FixedDeviceDto;

  @FirmwareVersionField({ example: '3804050B', description: 'The firmware version that fixes it' })
  fixingFirmwareVersion!: string;

  @ApiProperty({ example: 'Upgrade to 3804050B, available from the manufacturer since 1 November 2026.' })
  @IsString()
  @Length(1, maxLengthOf('Fix Information'))
  fixInformation!: string;
}

export class FixView {
  @ApiProperty({ example: 'F-000042' }) fixId!: string;
  @ApiProperty() proposerPartyId!: string;
  @ApiProperty() proposerPartyType!: string;
  @ApiProperty({ enum: ['Device Manufacturer', 'CSP', 'SEC Party', 'DCC'] }) source!: string;
  @ApiProperty({ description: '{kind:"item",providerPartyId,identifier} | {kind:"report",reportId} | {kind:"device"}' })
  target!: { kind: 'item'; providerPartyId: string; identifier: string } | { kind: 'report'; reportId: string } | { kind: 'device' };
  @ApiProperty({ nullable: true, type: String }) make!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({ nullable: true, type: String }) firmwareVersion!: string | null;
  @ApiProperty({ nullable: true, type: String }) deviceType!: string | null;
  @ApiProperty() fixingFirmwareVersion!: string;
  @ApiProperty() fixInformation!: string;
  @ApiProperty({ example: FIX_STATUS_AWAITING_CONFIRMATION }) status!: string;
  @ApiProperty() proposedAt!: string;
}
