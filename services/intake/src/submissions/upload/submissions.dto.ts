import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@smi/service-runtime';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class SubmitFileQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Validate and report without recording anything.' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dryRun must be true or false' })
  dryRun?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'File name to keep with a raw text/csv or .xlsx body (a multipart part carries its own).' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;
}

export class PageQuery {
  @PageCursor({ maxLength: 512, description: 'nextCursor of the previous page' })
  cursor?: string;

  @PageLimit({ max: 1000, default: 100 })
  limit?: number;
}

export class ListSubmissionsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'DCC only: one provider’s uploads' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'provider must be a party id' })
  provider?: string;
}

export class RejectionsQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the report or of the previous page' })
  @IsOptional()
  @Matches(/^[0-9]{1,9}$/, { message: 'cursor must be the nextCursor of a previous answer' })
  cursor?: string;

  @PageLimit({ max: 5000, default: 1000 })
  limit?: number;
}

export class CountsView {
  @ApiProperty({ description: 'Rows recorded as new items (ItemSubmitted)' }) accepted!: number;
  @ApiProperty({ description: 'Valid rows whose item is already held with the same content: nothing recorded' }) unchanged!: number;
  @ApiProperty({ description: 'Rows that changed a held item (ItemRevised)' }) revised!: number;
  @ApiProperty({ description: 'Rows that failed validation: nothing recorded for them' }) rejected!: number;
}

export class RejectionView {
  @ApiProperty({ description: 'Row number as a spreadsheet shows it (the header is row 1)' }) row!: number;
  @ApiProperty({ description: 'Glossary column name, or * for the whole row' }) column!: string;
  @ApiProperty({ example: 'INVALID_DATE' }) code!: string;
  @ApiProperty() reason!: string;
}

export class SubmissionSummaryView {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ description: 'Party id of the manufacturer or CSP' }) provider!: string;
  @ApiProperty({ enum: ['manufacturer', 'csp'] }) providerPartyType!: string;
  @ApiProperty({ description: 'User who uploaded the file' }) submittedBy!: string;
  @ApiProperty({ nullable: true, type: String }) fileName!: string | null;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: string;
  @ApiProperty({ enum: ['utf-8', 'utf-8-bom', 'windows-1252'], nullable: true, description: 'null for .xlsx' }) encoding!: string | null;
  @ApiProperty() byteCount!: number;
  @ApiProperty({ description: 'Data rows read (header and blank rows not counted)' }) rows!: number;
  @ApiProperty({ type: CountsView }) counts!: CountsView;
  @ApiProperty({ description: 'Items flagged as possibly duplicating other providers’ items' }) possibleDuplicates!: number;
  @ApiProperty({ description: 'Problems found in rejected rows (a row can have several)' }) rejectionsTotal!: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class SubmissionReportView extends SubmissionSummaryView {
  @ApiProperty({ description: 'true: validated only, nothing recorded, the submissionId is not kept' }) dryRun!: boolean;
  @ApiProperty({ type: [RejectionView], description: 'The first 1,000 problems, in row order' }) rejections!: RejectionView[];
  @ApiProperty({ nullable: true, type: String, description: 'Cursor for GET /submissions/{id}/rejections when more problems exist' })
  nextCursor!: string | null;
}

export class RecordedSubmissionView extends SubmissionSummaryView {
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class SubmissionListView {
  @ApiProperty({ type: [RecordedSubmissionView] }) submissions!: RecordedSubmissionView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RejectionPageView {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ type: [RejectionView] }) rejections!: RejectionView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class FileErrorView {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'MISSING_COLUMN', description: 'NOT_CSV, NOT_XLSX, UNSUPPORTED_ENCODING, MIXED_ENCODING, EMPTY_FILE, NO_ROWS, UNKNOWN_COLUMN, MISSING_COLUMN, DUPLICATE_COLUMN, TOO_MANY_COLUMNS, MALFORMED_CSV, FIELD_TOO_LONG, WORKBOOK_TOO_LARGE_UNPACKED, MISSING_FILE, MORE_THAN_ONE_FILE, MALFORMED_MULTIPART, FILE_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UPLOAD_STALLED' })
  code!: string;
  @ApiProperty() message!: string;
}
