import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_STATES, CaseStateName } from '@smi/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmptyObject, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';

/*
 * What each case action takes. Free text (reasons, questions, answers, notes) is stored as given and never
 * interpreted; its length is bounded here and its presence checked by the case rules, so the 400 names the field.
 */

/** As long as the case rules let a reason, question, answer or note be. */
const TEXT_MAX = 4000;
/** As long as intake lets a firmware version be. */
const FIRMWARE_MAX = 64;

export class ReleaseCaseDto {
  @ApiPropertyOptional({ example: 'on leave until Monday', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  reason: string | null = null;
}

export class VerificationChecksDto {
  @ApiProperty({ description: 'The data was checked against the submission format and the provider’s evidence.' })
  @IsBoolean()
  data!: boolean;

  @ApiProperty({ description: 'Any reference to a fix was checked (required when the case carries a fix).' })
  @IsBoolean()
  fixReference!: boolean;

  @ApiProperty({ description: 'The presentation is consistent: canonical make and model, neutral wording.' })
  @IsBoolean()
  presentation!: boolean;
}

/**
 * The verifier's catalogue match. Without `makeId` the case's spellings are resolved through the catalogue's
 * aliases (GET /catalogue/resolve suggests); with it, a spelling the catalogue does not know is mapped to that
 * make (and with `modelId` to that model) as a new alias, in the same transaction as the verification.
 */
export class CatalogueChoiceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  makeId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Needed when the model’s spelling is not yet an alias of a model of the make.' })
  @IsOptional()
  @IsUUID('all')
  modelId?: string;
}

export class VerifyCaseDto {
  @ApiProperty({ type: VerificationChecksDto })
  @ValidateNested()
  @Type(() => VerificationChecksDto)
  @IsNotEmptyObject()
  checks!: VerificationChecksDto;

  @ApiPropertyOptional({ example: 'Matched the manufacturer’s release notes', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  note: string | null = null;

  @ApiPropertyOptional({ type: CatalogueChoiceDto, description: 'Map the case’s spellings to this catalogue entry (adds aliases).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CatalogueChoiceDto)
  catalogue?: CatalogueChoiceDto;
}

export class QuestionDto {
  @ApiProperty({ example: 'Which firmware builds are affected?' })
  @IsString()
  @Length(1, TEXT_MAX)
  question!: string;
}

export class AnswerDto {
  @ApiProperty({ example: 'Builds 38040404 and 38040405 only.' })
  @IsString()
  @Length(1, TEXT_MAX)
  answer!: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Not reproducible on the reference device.' })
  @IsString()
  @Length(1, TEXT_MAX)
  reason!: string;
}

export class DuplicateDto extends ReasonDto {
  @ApiProperty({ format: 'uuid', description: 'The surviving case, which keeps both sources.' })
  @IsUUID('all')
  duplicateOf!: string;
}

export class DisputeOutcomeDto extends ReasonDto {
  @ApiProperty({ enum: ['not-included', 'included'], description: 'Close the case as not included, or include the item with the dispute on the record.' })
  @IsIn(['not-included', 'included'])
  outcome!: 'not-included' | 'included';
}

export class NoteDto {
  @ApiProperty({ example: 'The item arrived under identifier 42-A; checked with the provider.' })
  @IsString()
  @Length(1, TEXT_MAX)
  note!: string;
}

/** R3: the accountable party agrees (a note optional) or disputes (a reason required). */
export class AgreementDto {
  @ApiProperty({ description: 'true to agree that the item is included; false to dispute it.' })
  @IsBoolean()
  agreed!: boolean;

  @ApiPropertyOptional({ example: 'Confirmed on our test rig', nullable: true, description: 'Required when disputing: the reason DCC reads.' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  reason: string | null = null;
}

/** R5: the accountable party confirms the fix (or declines it, with a note). */
export class FixConfirmationDto {
  @ApiProperty()
  @IsBoolean()
  confirmed!: boolean;

  @ApiPropertyOptional({ example: '38040405', nullable: true, description: 'The firmware version that fixes it, where the proposal did not say or said wrongly.' })
  @IsOptional()
  @IsString()
  @MaxLength(FIRMWARE_MAX)
  fixingFirmwareVersion: string | null = null;

  @ApiPropertyOptional({ example: 'Released 2026-02-01', nullable: true, description: 'Required when declining.' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  note: string | null = null;
}

/** An empty body, refused if anything is sent: a claim takes nothing but the caller. */
export class EmptyDto {}

export class CaseActionResult {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: CASE_STATES })
  state!: CaseStateName;

  @ApiProperty({ description: 'The events the action recorded on the case, in order; empty when it changed nothing (the same action again).', example: ['CaseClaimed'] })
  recorded!: string[];
}
