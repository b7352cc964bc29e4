import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { MANUFACTURER_ID_PATTERN, SMI_MODEL_ID_PATTERN } from './catalogue-make.decider';

/** Spellings are as long as intake lets a make be. */
const SPELLING_MAX = 100;
const ALIASES_MAX = 100;

export class ChangeMakeDto {
  @ApiProperty({ example: 'Northwind Metering', description: 'Canonical name; a previous name stays as an alias.' })
  @IsString()
  @Length(1, SPELLING_MAX)
  name!: string;

  @ApiPropertyOptional({ example: '1A2B', nullable: true, description: 'SMI manufacturer id: 4 hexadecimal digits, unique across makes; null when not known.' })
  @IsOptional()
  @IsString()
  @Matches(MANUFACTURER_ID_PATTERN, { message: 'manufacturerId must be 4 hexadecimal digits' })
  manufacturerId: string | null = null;
}

export class AddMakeDto extends ChangeMakeDto {
  @ApiPropertyOptional({ example: ['NW Metering', 'Northwind'], description: 'Other spellings that map to this make; each belongs to one make only.' })
  @IsArray()
  @ArrayMaxSize(ALIASES_MAX)
  @IsString({ each: true })
  @Length(1, SPELLING_MAX, { each: true })
  aliases: string[] = [];
}

export class ChangeModelDto {
  @ApiProperty({ example: 'NW-E470', description: 'Canonical name, unique within its make; a previous name stays as an alias.' })
  @IsString()
  @Length(1, SPELLING_MAX)
  name!: string;

  @ApiPropertyOptional({ example: '0000E470', nullable: true, description: 'SMI model id: 8 hexadecimal digits, unique within the make; null when not known.' })
  @IsOptional()
  @IsString()
  @Matches(SMI_MODEL_ID_PATTERN, { message: 'smiModelId must be 8 hexadecimal digits' })
  smiModelId: string | null = null;
}

export class AddModelDto extends ChangeModelDto {
  @ApiPropertyOptional({ example: ['E470', 'NW E 470'], description: 'Other spellings that map to this model within its make.' })
  @IsArray()
  @ArrayMaxSize(ALIASES_MAX)
  @IsString({ each: true })
  @Length(1, SPELLING_MAX, { each: true })
  aliases: string[] = [];
}

export class AddAliasDto {
  @ApiProperty({ example: 'North Wind', description: 'A spelling met in submissions, mapped to this make or model.' })
  @IsString()
  @Length(1, SPELLING_MAX)
  alias!: string;
}

export class ListMakesQuery {
  @ApiPropertyOptional({ description: 'Search: makes with a name or alias containing, or close to, this text (case and spaces ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(SPELLING_MAX)
  q?: string;
}

export class ResolveQuery {
  @ApiProperty({ description: 'The make as spelled in the item' })
  @IsString()
  @Length(1, SPELLING_MAX)
  make!: string;

  @ApiProperty({ description: 'The model as spelled in the item' })
  @IsString()
  @Length(1, SPELLING_MAX)
  model!: string;
}

export class ModelView {
  @ApiProperty({ format: 'uuid' }) modelId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) aliases!: string[];
  @ApiProperty({ type: String, nullable: true, description: '8 hexadecimal digits, upper-case' }) smiModelId!: string | null;
}

export class MakeView {
  @ApiProperty({ format: 'uuid' }) makeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) aliases!: string[];
  @ApiProperty({ type: String, nullable: true, description: '4 hexadecimal digits, upper-case' }) manufacturerId!: string | null;
  @ApiProperty({ type: [ModelView] }) models!: ModelView[];
  @ApiProperty() addedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Stream version: how many changes the make and its models have had' }) version!: number;
}
