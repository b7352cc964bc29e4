import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_TYPES, ITEM_SOURCES, STATUSES_OF_INFORMATION } from '@smi/contracts';
import { IsInstant, PageCursor, PageLimit } from '@smi/service-runtime';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** As long as intake lets a make or model be. */
const SPELLING_MAX = 100;
/** As long as intake lets a firmware version be, plus the `*` of a prefix. */
const FIRMWARE_MAX = 65;
/** Full-text queries are a few words; longer is a mistake, not a search. */
const QUERY_MAX = 200;

const NOT_BLANK = /\S/;

/**
 * `GET /defects`: each key alone or with the others (R6: the firmware version on its own too); a key not listed
 * here is refused (400 naming it). Make and model match the canonical names and every alias in DCC's catalogue,
 * ignoring case and spacing; the firmware version ignoring case, exactly or by the beginning (`3804*`).
 */
export class SearchDefectsQuery {
  @ApiPropertyOptional({ example: 'Northwind Metering', description: 'A make: its canonical name or any alias, in any case' })
  @IsOptional()
  @IsString()
  @MaxLength(SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'make must not be blank' })
  make?: string;

  @ApiPropertyOptional({ example: 'NW-E470', description: 'A model: its canonical name or any alias, in any case' })
  @IsOptional()
  @IsString()
  @MaxLength(SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'model must not be blank' })
  model?: string;

  @ApiPropertyOptional({ example: '3804*', description: 'A firmware version in any case, or its beginning followed by * (3804* finds 38040404)' })
  @IsOptional()
  @IsString()
  @MaxLength(FIRMWARE_MAX)
  @Matches(/^[^*]+\*?$/, { message: 'firmwareVersion must be a version, or the beginning of one followed by a single * at the end' })
  firmwareVersion?: string;

  @ApiPropertyOptional({ enum: DEVICE_TYPES })
  @IsOptional()
  @IsIn(DEVICE_TYPES, { message: `deviceType must be one of ${DEVICE_TYPES.join(', ')}` })
  deviceType?: string;

  @ApiPropertyOptional({ enum: STATUSES_OF_INFORMATION })
  @IsOptional()
  @IsIn(STATUSES_OF_INFORMATION, { message: `statusOfInformation must be one of ${STATUSES_OF_INFORMATION.join(', ')}` })
  statusOfInformation?: string;

  @ApiPropertyOptional({ enum: ITEM_SOURCES })
  @IsOptional()
  @IsIn(ITEM_SOURCES, { message: `source must be one of ${ITEM_SOURCES.join(', ')}` })
  source?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Outside DCC every item has a fix: false finds nothing there' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'fixAvailable must be true or false' })
  fixAvailable?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'date-time', example: '2026-01-01T00:00:00Z', description: 'Items whose current version was published (DCC: changed) at or after this instant' })
  @IsOptional()
  @IsInstant()
  updatedSince?: string;

  @ApiPropertyOptional({ example: 'reboot loop', description: 'Words to find in the description and the fix information (PostgreSQL full-text search, English; "quotes", or, -not)' })
  @IsOptional()
  @IsString()
  @MaxLength(QUERY_MAX)
  @Matches(NOT_BLANK, { message: 'q must not be blank' })
  q?: string;

  @PageCursor({ maxLength: 1024, description: 'nextCursor of the previous page' })
  cursor?: string;

  @PageLimit({ max: 200, default: 50 })
  limit?: number;
}

/** What every reader sees of a published item. Free text is as provided: it may start with =, +, - or @ (never evaluate it). */
export class PublishedDefectView {
  @ApiProperty({ description: "The item's id (verification's case id)" }) id!: string;
  @ApiProperty({ description: 'Published version: grows by one or more with every change DCC publishes' }) version!: number;
  @ApiProperty({ nullable: true, type: String, description: "The provider's Identifier; null for a SEC Party's report or a fix proposal" }) identifier!: string | null;
  @ApiProperty({ description: 'Canonical make (DCC catalogue)' }) make!: string;
  @ApiProperty({ description: 'Canonical model (DCC catalogue)' }) model!: string;
  @ApiProperty({ nullable: true, type: String, description: 'SMI manufacturer id, 4 hex digits' }) manufacturerId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'SMI model id, 8 hex digits' }) smiModelId!: string | null;
  @ApiProperty({ description: 'The make as the source spelled it' }) submittedMake!: string;
  @ApiProperty({ description: 'The model as the source spelled it' }) submittedModel!: string;
  @ApiProperty() firmwareVersion!: string;
  @ApiProperty({ nullable: true, type: String, enum: DEVICE_TYPES }) deviceType!: string | null;
  @ApiProperty({ enum: ITEM_SOURCES }) source!: string;
  @ApiProperty({ enum: STATUSES_OF_INFORMATION }) statusOfInformation!: string;
  @ApiProperty({ format: 'date' }) dateLastUpdated!: string;
  @ApiProperty() fixAvailable!: boolean;
  @ApiProperty({ nullable: true, type: String }) fixInformation!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The firmware version that fixes it, where known' }) fixingFirmwareVersion!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "A SEC Party's description of the issue or defect" }) description!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When it was first published (again, after a withdrawal)' }) publishedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When its current version was published' }) updatedAt!: string;
}

/** DCC's view of an item in any state: unverified content, no fix and unpublished items are marked as such. */
export class DccDefectView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['item', 'report', 'fix'] }) caseKind!: string;
  @ApiProperty({ description: "The verification case's state" }) state!: string;
  @ApiProperty({ description: 'The party that provided it: provider, reporter or proposer' }) provider!: string;
  @ApiProperty({ nullable: true, type: String }) identifier!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Canonical make, once verified' }) make!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Canonical model, once verified' }) model!: string | null;
  @ApiProperty({ nullable: true, type: String }) makeId!: string | null;
  @ApiProperty({ nullable: true, type: String }) modelId!: string | null;
  @ApiProperty({ nullable: true, type: String }) manufacturerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) smiModelId!: string | null;
  @ApiProperty({ nullable: true, type: String }) submittedMake!: string | null;
  @ApiProperty({ nullable: true, type: String }) submittedModel!: string | null;
  @ApiProperty({ nullable: true, type: String }) firmwareVersion!: string | null;
  @ApiProperty({ nullable: true, type: String }) deviceType!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty() statusOfInformation!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) dateLastUpdated!: string | null;
  @ApiProperty({ description: 'false: no fix known (never published)' }) fixAvailable!: boolean;
  @ApiProperty({ nullable: true, type: String }) fixInformation!: string | null;
  @ApiProperty({ nullable: true, type: String }) fixingFirmwareVersion!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'The content shown is the content DCC verified' }) verified!: boolean;
  @ApiProperty({ description: 'Readers outside DCC see it (at publishedVersion)' }) published!: boolean;
  @ApiProperty({ nullable: true, type: Number }) publishedVersion!: number | null;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/**
 * A page of results in the one neutral order (R1): make, model, firmware version, Identifier, then id. No
 * count, score, rank or facet: nothing that compares devices or makes.
 */
export class PublishedDefectPage {
  @ApiProperty({ type: [PublishedDefectView] }) items!: PublishedDefectView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DccDefectPage {
  @ApiProperty({ type: [DccDefectView] }) items!: DccDefectView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class FieldChangeView {
  @ApiProperty() field!: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'boolean' }] }) from!: string | boolean | null;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'boolean' }] }) to!: string | boolean | null;
}

export class DefectVersionView {
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['added', 'changed', 'withdrawn'] }) change!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [FieldChangeView], description: 'Against the version before; empty when added or withdrawn' }) changes!: FieldChangeView[];
}

export class PublishedDefectDetail extends PublishedDefectView {
  @ApiProperty({ type: [DefectVersionView], description: 'Every published version and withdrawal, oldest first' }) history!: DefectVersionView[];
}

export class DccDefectVersionView extends DefectVersionView {
  @ApiProperty({ nullable: true, type: String, description: "DCC's reason for a withdrawal" }) reason!: string | null;
  @ApiProperty({ description: 'The item as verification published it at this version' }) item!: object;
}

export class DccDefectDetail extends DccDefectView {
  @ApiProperty({ nullable: true, type: PublishedDefectView, description: 'What readers outside DCC see now; null when not published' }) publishedItem!: PublishedDefectView | null;
  @ApiProperty({ type: [DccDefectVersionView] }) history!: DccDefectVersionView[];
}
