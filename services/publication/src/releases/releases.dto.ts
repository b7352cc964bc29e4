import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { EDITIONS, FORMATS } from './release-rows';

export class CutReleaseDto {
  @ApiProperty({ example: '2026-Q4', description: 'The quarter released: a later one than the last release, and one that has started' })
  @Matches(/^(19|2[0-9])[0-9]{2}-Q[1-4]$/, { message: 'label must be a quarter such as 2026-Q4' })
  label!: string;
}

export class DownloadReleaseQuery {
  @ApiProperty({ enum: EDITIONS, description: 'public: the published items (SECAS, DCC); dcc: every case in every state, marked (DCC only)' })
  @IsIn(EDITIONS, { message: `edition must be one of ${EDITIONS.join(', ')}` })
  edition!: (typeof EDITIONS)[number];

  @ApiProperty({ enum: FORMATS, description: "csv: the submission file's ten columns; xlsx: a cover sheet and the items with their marks; json: an array of items" })
  @IsIn(FORMATS, { message: `format must be one of ${FORMATS.join(', ')}` })
  format!: (typeof FORMATS)[number];
}

export class ReleaseDiffQuery {
  @ApiPropertyOptional({ example: '1', description: 'The release compared with; by default the one before (none for the first: everything is added)' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,8}$/, { message: 'from must be a release number (1, 2, 3 …)' })
  from?: string;

  @ApiPropertyOptional({ enum: EDITIONS, default: 'public' })
  @IsOptional()
  @IsIn(EDITIONS, { message: `edition must be one of ${EDITIONS.join(', ')}` })
  edition?: (typeof EDITIONS)[number];
}

const COUNTS = {
  type: 'object',
  properties: {
    items: { type: 'integer' },
    byStatusOfInformation: { type: 'object', properties: { Issue: { type: 'integer' }, Defect: { type: 'integer' }, Fix: { type: 'integer' } } },
    changes: { type: 'object', properties: { new: { type: 'integer' }, updated: { type: 'integer' }, original: { type: 'integer' }, removed: { type: 'integer' } } },
  },
};

export class ReleaseView {
  @ApiProperty({ example: 2 }) number!: number;
  @ApiProperty({ example: '2026-Q4' }) label!: string;
  @ApiProperty({ example: { from: '2026-10-01', to: '2026-12-31' } }) period!: { from: string; to: string };
  @ApiProperty({ nullable: true, type: Number, description: 'The release its changes are counted from' }) previousRelease!: number | null;
  @ApiProperty({ format: 'date-time' }) cutAt!: string;
  @ApiProperty({
    description: "Counts of each edition the caller may download: `public` for SECAS; DCC also `dcc` (with byState, published, unverified)",
    type: 'object',
    properties: { public: COUNTS, dcc: COUNTS },
  } as ApiPropertyOptions)
  editions!: Record<string, unknown>;
  @ApiProperty({ description: 'Manufacturers and CSPs with a data request due in the quarter that no submission fulfilled (open or overdue) when the release was cut', type: 'array', items: { type: 'object' } })
  nonSuppliers!: unknown[];
  @ApiProperty({ description: 'Providers whose files intake received in the quarter', type: 'array', items: { type: 'object' } })
  submissions!: unknown[];
  @ApiPropertyOptional({ description: "DCC only: the read models' positions in publication's store the release was copied at" }) catalogue?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'DCC only: who cut it' }) cutBy?: { userId: string; partyId: string };
}

export class ReleaseDueView {
  @ApiProperty({ example: '2026-Q3' }) label!: string;
  @ApiProperty({ format: 'date', description: 'The 10th working day after the quarter ended' }) dueBy!: string;
  @ApiProperty({ format: 'date-time' }) detectedAt!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The release cut for the quarter since, if any' }) releasedAs!: number | null;
}

export class ReleaseList {
  @ApiProperty({ type: [ReleaseView], description: 'Every release, oldest first' }) releases!: ReleaseView[];
  @ApiProperty({ type: [ReleaseDueView], description: 'Quarters left without a release by their 10th working day after they ended' }) due!: ReleaseDueView[];
}
