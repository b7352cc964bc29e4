import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_KINDS, CASE_STATES, CaseKind, CaseStateName, DEVICE_TYPES, DeviceType } from '@smi/contracts';
import { DigitsToNumber, PageCursor, PageLimit } from '@smi/service-runtime';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CaseView, HistoryEntryView } from './case-visibility';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NOT_BLANK = /\S/;
/** As long as intake lets a make, model or firmware version be. */
const SPELLING_MAX = 100;
/** Ten years: longer than any case waits, short enough that the date arithmetic never leaves the calendar. */
export const OLDER_THAN_DAYS_MAX = 3650;

/** `GET /cases`: every parameter optional, each one refused by name when it is not what it says. */
export class ListCasesQuery {
  @ApiPropertyOptional({ enum: CASE_STATES })
  @IsOptional()
  @IsIn(CASE_STATES)
  state?: CaseStateName;

  @ApiPropertyOptional({ enum: CASE_KINDS, description: "item (a provider's item), report (a SEC Party's report), fix (a fix proposal)" })
  @IsOptional()
  @IsIn(CASE_KINDS)
  kind?: CaseKind;

  @ApiPropertyOptional({ example: 'Northwind Metering', description: 'As the source spelled it, or the canonical make of the verified content; case and repeated spaces ignored' })
  @IsOptional()
  @IsString()
  @Length(1, SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'make must not be blank' })
  make?: string;

  @ApiPropertyOptional({ example: 'NW-E470', description: 'As the source spelled it, or the canonical model of the verified content; case and repeated spaces ignored' })
  @IsOptional()
  @IsString()
  @Length(1, SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'model must not be blank' })
  model?: string;

  @ApiPropertyOptional({ example: '3804040A', description: 'Exact firmware version, any case' })
  @IsOptional()
  @IsString()
  @Length(1, SPELLING_MAX)
  @Matches(NOT_BLANK, { message: 'firmwareVersion must not be blank' })
  firmwareVersion?: string;

  @ApiPropertyOptional({ enum: DEVICE_TYPES })
  @IsOptional()
  @IsIn(DEVICE_TYPES)
  deviceType?: DeviceType;

  @ApiPropertyOptional({ example: 'MFR-NORTHWIND', description: 'The party that provided what the case is about (provider, reporter or proposer); others than DCC only their own' })
  @IsOptional()
  @Matches(PARTY_ID, { message: 'provider must be a party id' })
  provider?: string;

  @ApiPropertyOptional({ example: 'dcc-verifier-1', description: 'DCC only: the verifier (DCC user id) holding the case' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'assignee must not be blank' })
  assignee?: string;

  @ApiPropertyOptional({ example: 'MFR-NORTHWIND', description: 'The party the case waits on (information, agreement, confirmation); others than DCC only their own' })
  @IsOptional()
  @Matches(PARTY_ID, { message: 'waitingOn must be a party id' })
  waitingOn?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: OLDER_THAN_DAYS_MAX,
    description: 'Cases in their current state since before the London calendar day N days ago (0: before today)',
  })
  @IsOptional()
  @DigitsToNumber()
  @IsInt({ message: 'olderThanDays must be a whole number written in digits' })
  @Min(0)
  @Max(OLDER_THAN_DAYS_MAX)
  olderThanDays?: number;

  @PageCursor({ maxLength: 200, description: 'nextCursor of the previous page' })
  cursor?: string;

  @PageLimit({ max: 500, default: 100 })
  limit?: number;
}

/** For the OpenAPI document: the fields every view has; the rest depends on `view` (see docs/domain.md). */
export class CaseViewDoc {
  @ApiProperty({ enum: ['dcc', 'provider', 'accountable-party'], description: 'Which projection the caller gets: DCC all, the provider its own, an accountable party what is asked of it' })
  view!: CaseView['view'];
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: CASE_KINDS }) caseKind!: CaseKind;
  @ApiProperty({ enum: CASE_STATES }) state!: CaseStateName;
  @ApiProperty({ format: 'date-time', description: 'When the case entered its state' }) stateSince!: string;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
}

export class CasePageDoc {
  @ApiProperty({ type: [CaseViewDoc] }) cases!: CaseView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class HistoryEntryDoc {
  @ApiProperty() streamVersion!: number;
  @ApiProperty({ description: 'The event type, e.g. CaseOpened, CaseClaimed, InformationRequested' }) type!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'userId, partyId, partyType, roles: others than DCC see only the party type of other parties' }) actor!: HistoryEntryView['actor'];
  @ApiProperty({ nullable: true, type: String }) correlationId!: string | null;
  @ApiProperty({ type: Object, description: "The event's data, as far as the caller may see it" }) data!: Record<string, unknown>;
}

export class CaseWithHistoryDoc extends CaseViewDoc {
  @ApiProperty({ type: [HistoryEntryDoc], description: 'Every event of the case the caller may see, oldest first' }) history!: HistoryEntryView[];
}

export type CasePage = { cases: CaseView[]; nextCursor: string | null };
export type CaseWithHistory = CaseView & { history: HistoryEntryView[] };
