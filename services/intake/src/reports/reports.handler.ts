import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { handleCommand, PostgresEventStore, RecordedEvent, toDomainEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { londonDate } from '@smi/working-days';
import { DataSource, EntityManager } from 'typeorm';
import { ItemReported, reportDecider, reportStreamId } from './report.decider';
import { ReportItemDto, ReportView } from './reports.dto';
import { findVisibleReport, listVisibleReports } from './reports.read-model';

/** The DCC-assigned identifier: `R-` and the sequence number, at least six digits. */
export function reportIdFor(n: number): string {
  return `R-${String(n).padStart(6, '0')}`;
}

@Injectable()
export class ReportsHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {}

  async report(dto: ReportItemDto, actor: Actor, correlationId: string): Promise<ReportView> {
    const rows: Array<{ n: string }> = await this.dataSource.query(`SELECT nextval('report_number_seq')::text AS n`);
    const reportId = reportIdFor(Number(rows[0].n));
    const now = new Date();
    await handleCommand(this.dataSource, {
      store: this.store,
      streamId: reportStreamId(reportId),
      decider: reportDecider,
      command: {
        type: 'ReportItem',
        reportId,
        reporterPartyId: actor.partyId,
        reporterPartyType: actor.partyType,
        make: dto.make,
        model: dto.model,
        firmwareVersion: dto.firmwareVersion,
        deviceType: dto.deviceType,
        statusOfInformation: dto.statusOfInformation,
        description: dto.description,
        dateObserved: dto.dateObserved,
        reference: dto.reference ?? null,
        today: londonDate(now),
        at: now.toISOString(),
      },
      metadata: { correlationId, actor },
      project: (manager, recorded) => projectReports(manager, recorded),
    });
    return this.get(reportId, actor);
  }

  /** Neutral order (R1): by identifier, which is also the order of reporting. */
  list(actor: Actor): Promise<ReportView[]> {
    return listVisibleReports(this.dataSource, actor);
  }

  /** A report the caller may not read answers as if it did not exist: its existence is not theirs to know. */
  async get(reportId: string, actor: Actor): Promise<ReportView> {
    const report = await findVisibleReport(this.dataSource, reportId, actor);
    if (!report) throw new DomainError('REPORT_NOT_FOUND', `report ${reportId} does not exist`);
    return report;
  }
}

async function projectReports(manager: EntityManager, recorded: RecordedEvent[]): Promise<void> {
  for (const event of recorded.map((r) => toDomainEvent<ItemReported>(r))) {
    await manager.query(
      `INSERT INTO reports (report_id, report_number, reporter_party_id, reporter_party_type, source, status_of_information, make, model,
         firmware_version, device_type, description, date_observed, reference, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        event.reportId,
        Number(event.reportId.slice(2)),
        event.reporterPartyId,
        event.reporterPartyType,
        event.source,
        event.statusOfInformation,
        event.make,
        event.model,
        event.firmwareVersion,
        event.deviceType,
        event.description,
        event.dateObserved,
        event.reference,
        event.reportedAt,
      ],
    );
  }
}
