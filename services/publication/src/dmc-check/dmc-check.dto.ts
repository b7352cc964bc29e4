import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { DEVICE_TYPES } from '@smi/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DccDefectView, PublishedDefectView } from '../defects';
import { MEMBER_ITEMS_MAX } from './dmc-check';

/** As long as intake lets a make or model be. */
const SPELLING_MAX = 100;
/** As long as intake lets a firmware version be. */
const FIRMWARE_MAX = 64;
/**
 * The devices of one installation: an ESME, a communications hub (CHF and GPF), a GSME, a PPMID, an IHD or CAD, an
 * HCALCS, with room for a second meter of a kind. More is not one installation.
 */
export const MEMBERS_MAX = 12;

const NOT_BLANK = /\S/;

/** One device of the installation, as the caller knows it. */
export class DmcMemberDto {
  @ApiProperty({ enum: DEVICE_TYPES, example: 'ESME', description: 'What the device is in the installation; it names the member, it does not filter the items (make and model say which device it is)' })
  @IsIn(DEVICE_TYPES, { message: `deviceType must be one of ${DEVICE_TYPES.join(', ')}` })
  deviceType!: string;

  @ApiProperty({ example: 'Northwind Metering', description: 'The make: its canonical name or any alias, in any case' })
  @IsString()
  @MaxLength(SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'make must not be blank' })
  make!: string;

  @ApiProperty({ example: 'NW-E470', description: 'The model: its canonical name or any alias, in any case' })
  @IsString()
  @MaxLength(SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'model must not be blank' })
  model!: string;

  @ApiProperty({ example: '38040404', description: 'The firmware version the device runs, matched exactly (ignoring case)' })
  @IsString()
  @MaxLength(FIRMWARE_MAX)
  @Matches(/^[^*]*[^*\s][^*]*$/, { message: 'firmwareVersion must be the version the device runs: not blank, and no * (the check matches exactly; search GET /defects for a beginning)' })
  firmwareVersion!: string;
}

/** `POST /defects/dmc-check`: is this combination affected, and is there a fix? */
export class DmcCheckRequest {
  @ApiProperty({ type: [DmcMemberDto], minItems: 1, maxItems: MEMBERS_MAX, description: 'The devices of one installation; answered in this order' })
  @IsArray()
  @ArrayMinSize(1, { message: 'members must name at least one device' })
  @ArrayMaxSize(MEMBERS_MAX, { message: `members must name at most ${MEMBERS_MAX} devices: the devices of one installation` })
  @ValidateNested({ each: true })
  @Type(() => DmcMemberDto)
  members!: DmcMemberDto[];

  @ApiPropertyOptional({
    default: false,
    description: 'DCC only: match every case in every state (unverified, unfixed, unpublished ones marked so) instead of the published items. Any other party is refused 403',
  })
  @IsOptional()
  @IsBoolean()
  includeUnpublished?: boolean;
}

export class DmcMemberAnswer {
  @ApiProperty({ description: 'As asked' }) deviceType!: string;
  @ApiProperty({ description: 'As asked' }) make!: string;
  @ApiProperty({ description: 'As asked' }) model!: string;
  @ApiProperty({ description: 'As asked' }) firmwareVersion!: string;
  @ApiProperty({ description: 'Some issue or defect is known for this make, model and firmware version' }) affected!: boolean;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Every item found has a fix; null when none was found' }) fixAvailable!: boolean | null;
  @ApiProperty({ type: [String], description: 'The fixing firmware versions the items name, each once, in code-point order' }) fixingFirmwareVersions!: string[];
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(PublishedDefectView) }, { $ref: getSchemaPath(DccDefectView) }] },
    description: 'The items, in the neutral order (make, model, firmware version, Identifier, id); DCC with includeUnpublished: DCC’s view of every case, marked',
  })
  items!: Array<PublishedDefectView | DccDefectView>;
  @ApiProperty({ description: `More than ${MEMBER_ITEMS_MAX} items: search GET /defects with this make, model and firmware version for all of them` }) moreItems!: boolean;
}

export class DmcCheckAnswer {
  @ApiProperty({ description: 'true only when DCC asked for every case: items may then be unverified, unfixed or unpublished (see their state, verified, published, fixAvailable)' })
  includesUnpublished!: boolean;
  @ApiProperty({ type: [DmcMemberAnswer], description: 'One per member, in the order asked' }) members!: DmcMemberAnswer[];
}
