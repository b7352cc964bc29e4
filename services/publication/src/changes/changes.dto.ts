import { ApiProperty } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@smi/service-runtime';

export class ChangesQuery {
  @PageCursor({ maxLength: 200, description: 'nextCursor of the previous answer; without it the feed starts at the first change' })
  after?: string;

  @PageLimit({ max: 1000, default: 200 })
  limit?: number;
}

export class ChangeFieldView {
  @ApiProperty() field!: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'boolean' }] }) from!: string | boolean | null;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'boolean' }] }) to!: string | boolean | null;
}

export class ChangeView {
  @ApiProperty({ description: "The item's id" }) id!: string;
  @ApiProperty({ description: 'Its published version after the change' }) version!: number;
  @ApiProperty({ enum: ['added', 'changed', 'withdrawn'] }) change!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [ChangeFieldView], description: 'For a change: each field against the version before' }) changes!: ChangeFieldView[];
  @ApiProperty({ description: 'The published fields at this version (as in GET /defects/{id}); for a withdrawal, what was withdrawn' }) item!: object;
}

export class ChangePage {
  @ApiProperty({ type: [ChangeView], description: 'In the order publication recorded them' }) changes!: ChangeView[];
  @ApiProperty({ nullable: true, type: String, description: 'Poll again with ?after= this; null only while the feed is empty' }) nextCursor!: string | null;
}
