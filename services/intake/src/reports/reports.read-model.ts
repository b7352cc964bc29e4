import { Actor } from '@smi/auth';
import { DeviceType } from '@smi/contracts';
import { DataSource } from 'typeorm';
import { canReadReport } from './report-access';
import { ReportView } from './reports.dto';

// Reading the reports table. Fix proposals name a report (fixes/), so the lookup lives here rather than in
// ReportsHandler: a fix needs a report's view, not the reporting use case.

interface ReportRow {
  report_id: string;
  reporter_party_id: string;
  reporter_party_type: string;
  source: string;
  status_of_information: string;
  make: string;
  model: string;
  firmware_version: string;
  device_type: DeviceType;
  description: string;
  date_observed: string;
  reference: string | null;
  reported_at: Date;
}

// `date` columns are read as text: node-postgres would turn them into local-midnight Date objects.
const COLUMNS = `report_id, reporter_party_id, reporter_party_type, source, status_of_information, make, model, firmware_version,
  device_type, description, date_observed::text AS date_observed, reference, reported_at`;

/** Reports the actor may read, in neutral order (R1): by identifier, which is also the order of reporting. */
export async function listVisibleReports(dataSource: DataSource, actor: Actor): Promise<ReportView[]> {
  const rows: ReportRow[] = await dataSource.query(
    `SELECT ${COLUMNS} FROM reports WHERE $1::text IS NULL OR reporter_party_id = $1 ORDER BY report_number`,
    [actor.partyType === 'dcc' ? null : actor.partyId],
  );
  return rows.map(toView);
}

/** The report if the actor may read it; one they may not read is answered as missing, like one that does not exist. */
export async function findVisibleReport(dataSource: DataSource, reportId: string, actor: Actor): Promise<ReportView | undefined> {
  const rows: ReportRow[] = await dataSource.query(`SELECT ${COLUMNS} FROM reports WHERE report_id = $1`, [reportId]);
  const report = rows[0] ? toView(rows[0]) : undefined;
  return report && canReadReport(actor, report) ? report : undefined;
}

function toView(row: ReportRow): ReportView {
  return {
    reportId: row.report_id,
    reporterPartyId: row.reporter_party_id,
    reporterPartyType: row.reporter_party_type,
    source: row.source,
    statusOfInformation: row.status_of_information,
    make: row.make,
    model: row.model,
    firmwareVersion: row.firmware_version,
    deviceType: row.device_type,
    description: row.description,
    dateObserved: row.date_observed,
    reference: row.reference,
    reportedAt: new Date(row.reported_at).toISOString(),
  };
}
