import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DataRequestStatus } from './data-request.decider';

export const DATA_REQUEST_STATUSES: DataRequestStatus[] = ['open', 'fulfilled', 'overdue'];

export class IssueDataRequestDto {
  @ApiProperty({ example: 'MFR-NORTHWIND', description: 'A registered manufacturer or CSP' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'providerPartyId must be a party id' })
  providerPartyId!: string;

  @ApiProperty({ example: '2026-12-11', description: 'The agreed delivery date (a day in England, yyyy-mm-dd); today or later, at most two years ahead' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'agreedDeliveryDate must be yyyy-mm-dd' })
  agreedDeliveryDate!: string;

  @ApiPropertyOptional({ example: 'Quarterly refresh for the 2027-Q1 release' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ListDataRequestsQuery {
  @ApiPropertyOptional({ enum: DATA_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(DATA_REQUEST_STATUSES)
  status?: DataRequestStatus;
}

export class NonSuppliersQuery {
  @ApiProperty({ example: '2026-Q4', description: 'Calendar quarter of the agreed delivery dates' })
  @IsString()
  @Matches(/^(19|2\d)\d{2}-Q[1-4]$/, { message: 'quarter must look like 2026-Q4, in the years 1900 to 2999' })
  quarter!: string;
}

export class DataRequestFulfilmentView {
  @ApiProperty() submissionId!: string;
  @ApiProperty() receivedAt!: string;
  @ApiProperty({ description: 'Received once the request was overdue' }) late!: boolean;
  @ApiProperty() fulfilledAt!: string;
}

export class DataRequestView {
  @ApiProperty({ example: 'DR-000001' }) requestId!: string;
  @ApiProperty() providerPartyId!: string;
  @ApiProperty({ enum: ['manufacturer', 'csp'] }) providerPartyType!: string;
  @ApiProperty({ example: '2026-03-26' }) agreedDeliveryDate!: string;
  @ApiProperty({ example: '2026-04-20', nullable: true, type: String, description: 'The 15th working day after the agreed date (England and Wales): the last day in time; null past the calendar (year 9999)' })
  lastDeliveryDay!: string | null;
  @ApiProperty({ example: '2026-04-21', nullable: true, type: String, description: 'The 16th working day: overdue from 00:00 London time on this day if unfulfilled; null past the calendar' })
  overdueFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ enum: DATA_REQUEST_STATUSES }) status!: DataRequestStatus;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Set once recorded overdue (SECAS chases)' }) overdueSince!: string | null;
  @ApiProperty({ nullable: true, type: DataRequestFulfilmentView }) fulfilment!: DataRequestFulfilmentView | null;
}

export class NonSupplierRequestView {
  @ApiProperty() requestId!: string;
  @ApiProperty() agreedDeliveryDate!: string;
  @ApiProperty({ enum: ['open', 'overdue'] }) status!: DataRequestStatus;
  @ApiProperty({ nullable: true, type: String }) overdueFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) overdueSince!: string | null;
}

export class NonSupplierView {
  @ApiProperty() providerPartyId!: string;
  @ApiProperty({ nullable: true, type: String }) providerName!: string | null;
  @ApiProperty({ enum: ['manufacturer', 'csp'] }) providerPartyType!: string;
  @ApiProperty({ type: [NonSupplierRequestView] }) requests!: NonSupplierRequestView[];
}

export class NonSuppliersView {
  @ApiProperty({ example: '2026-Q4' }) quarter!: string;
  @ApiProperty({ example: '2026-10-01' }) from!: string;
  @ApiProperty({ example: '2026-12-31' }) to!: string;
  @ApiProperty({ description: 'When the list was drawn up (the injected clock)' }) asOf!: string;
  @ApiProperty({ type: [NonSupplierView], description: 'Providers with a request agreed in the quarter and not fulfilled, by party id' })
  providers!: NonSupplierView[];
}
