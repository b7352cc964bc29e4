import { canonicalStatus, DeviceType, ItemReportedData, STATUSES_OF_INFORMATION } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';
import { canonicalFirmwareVersion, pastDate, requiredDeviceType, requiredText } from '../device-fields/device-fields';

/**
 * Who may report an issue or defect here (requirement 4: raised by SEC Parties): suppliers and network
 * parties, and the DCC's own teams. Manufacturers and CSPs declare items in submission files instead,
 * where the DCC agrees inclusion with them; SECAS administers and publishes, and the DSP is a DCC system.
 */
export const REPORTER_PARTY_TYPES = ['supplier', 'network', 'dcc'] as const;
export type ReporterPartyType = (typeof REPORTER_PARTY_TYPES)[number];

/** A report is an Issue or a Defect; fixes are proposed separately and need the manufacturer's confirmation. */
export const REPORTABLE_STATUSES = ['Issue', 'Defect'] as const;
export type ReportableStatus = (typeof REPORTABLE_STATUSES)[number];

export const REPORT_DESCRIPTION_MAX = 4000;
export const REPORT_REFERENCE_MAX = 100;

export interface ReportItem {
  type: 'ReportItem';
  reportId: string;
  reporterPartyId: string;
  reporterPartyType: string;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: string;
  statusOfInformation: string;
  description: string;
  dateObserved: string;
  reference?: string | null;
  /** The London date of the request: an observation cannot be in the future. */
  today: string;
  at: string;
}

export type ReportCommand = ReportItem;

/** One event for both statuses: the status of information is a field, as in a submission row. */
export type ItemReported = { type: 'ItemReported' } & ItemReportedData;

export type ReportEvent = ItemReported;

export type ReportState =
  | { kind: 'none' }
  | { kind: 'reported'; reportId: string; reporterPartyId: string; make: string; model: string; firmwareVersion: string; deviceType: DeviceType };

export const reportStreamId = (reportId: string) => `report-${reportId}`;

export function isReporterPartyType(partyType: string): partyType is ReporterPartyType {
  return (REPORTER_PARTY_TYPES as readonly string[]).includes(partyType);
}

function reportableStatus(value: string): ReportableStatus {
  const status = canonicalStatus(value);
  if (status === 'Fix') {
    throw new DomainError('REPORT_CANNOT_BE_A_FIX', 'a report is an Issue or a Defect; propose a fix with POST /fixes, where the manufacturer confirms it', {
      field: 'statusOfInformation',
    });
  }
  if (status === undefined) {
    throw new DomainError('INVALID_STATUS_OF_INFORMATION', `statusOfInformation "${value}" must be Issue or Defect (glossary values: ${STATUSES_OF_INFORMATION.join(', ')})`, {
      field: 'statusOfInformation',
    });
  }
  return status;
}

export const reportDecider: Decider<ReportCommand, ReportState, ReportEvent> = {
  initialState: () => ({ kind: 'none' }),

  evolve(_state, event) {
    return {
      kind: 'reported',
      reportId: event.reportId,
      reporterPartyId: event.reporterPartyId,
      make: event.make,
      model: event.model,
      firmwareVersion: event.firmwareVersion,
      deviceType: event.deviceType,
    };
  },

  decide(command, state) {
    if (!isReporterPartyType(command.reporterPartyType)) {
      const hint = ['manufacturer', 'csp'].includes(command.reporterPartyType) ? '; manufacturers and CSPs declare items in a submission file' : '';
      throw new DomainError('FORBIDDEN_REPORTER', `a ${command.reporterPartyType} party may not report issues or defects here${hint}`);
    }
    if (state.kind !== 'none') throw new DomainError('REPORT_EXISTS', `report ${command.reportId} already exists`);
    const description = requiredText(command.description, 'description');
    if (description.length > REPORT_DESCRIPTION_MAX) {
      throw new DomainError('INVALID_FIELD', `description is longer than ${REPORT_DESCRIPTION_MAX} characters`, { field: 'description' });
    }
    const reference = command.reference?.trim() ? command.reference.trim() : null;
    if (reference !== null && reference.length > REPORT_REFERENCE_MAX) {
      throw new DomainError('INVALID_FIELD', `reference is longer than ${REPORT_REFERENCE_MAX} characters`, { field: 'reference' });
    }
    return [
      {
        type: 'ItemReported',
        reportId: command.reportId,
        reporterPartyId: command.reporterPartyId,
        reporterPartyType: command.reporterPartyType,
        source: command.reporterPartyType === 'dcc' ? 'DCC' : 'SEC Party',
        statusOfInformation: reportableStatus(command.statusOfInformation),
        make: requiredText(command.make, 'make', 'Make'),
        model: requiredText(command.model, 'model', 'Model'),
        firmwareVersion: canonicalFirmwareVersion(command.firmwareVersion, 'firmwareVersion'),
        deviceType: requiredDeviceType(command.deviceType),
        description,
        dateObserved: pastDate(command.dateObserved, 'dateObserved', command.today),
        reference,
        reportedAt: command.at,
      },
    ];
  },
};
