import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export class BulkCorrectionSenderView {
  @ApiProperty({ example: '90-B3-D5-1F-30-01-00-01', description: 'DCC User ID: the originator of every row’s RequestID.' }) userId!: string;
  @ApiProperty({ example: 'SUPPLIER-A' }) partyId!: string;
}

export class BulkCorrectionView {
  @ApiProperty({ example: '3f0c2a4e-6a1b-4c1e-9a55-1f0d7c1e2b3a' }) jobId!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'running' }) status!: JobStatus;
  @ApiProperty({ example: 'corrections-2024-05.csv', nullable: true, type: String }) fileName!: string | null;
  @ApiProperty({ example: 'b1946ac92492d2347c6235b4d2611184b1946ac92492d2347c6235b4d2611184', description: 'SHA-256 of the file, hex.' })
  fileHash!: string;
  @ApiProperty({ example: 20971520 }) fileBytes!: number;
  @ApiProperty({ type: BulkCorrectionSenderView }) sender!: BulkCorrectionSenderView;
  @ApiProperty({ example: 719000, description: 'Rows after the header.' }) totalRows!: number;
  @ApiProperty({ example: 250000, description: 'Rows answered so far, in file order.' }) processedRows!: number;
  @ApiProperty({
    example: { I0: 249800, E4: 150, E19: 40, MALFORMED: 10 },
    description: 'Rows answered so far by response code (SR8.4 codes, MALFORMED for a row that is not a correction); codes that did not occur are left out.',
  })
  counts!: Record<string, number>;
  @ApiProperty({ example: 0, description: 'Rows answered from an earlier record of the same RequestID (the same file sent again): nothing new recorded.' })
  repeated!: number;
  @ApiProperty({ example: '2024-05-01T09:30:00.000Z' }) acceptedAt!: string;
  @ApiProperty({ example: '2024-05-01T09:30:00.120Z', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) finishedAt!: string | null;
  @ApiPropertyOptional({ example: 'the stored file ended before its last row', description: 'Why a failed job stopped.' }) failure?: string;
  @ApiProperty({ example: '/bulk-corrections/3f0c2a4e-6a1b-4c1e-9a55-1f0d7c1e2b3a/results' }) results!: string;
}

export class BulkCorrectionListView {
  @ApiProperty({ type: [BulkCorrectionView], description: 'Newest first; at most 100.' }) items!: BulkCorrectionView[];
}
