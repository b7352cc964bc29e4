import { DeviceType, FixProposedData, FixTargetData, ItemSource } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';
import { canonicalFirmwareVersion, canonicalIdentifier, maxLengthOf, requiredDeviceType, requiredText } from '../device-fields/device-fields';

/**
 * Requirement 5: fixes provided by any party are recorded. Any party that provides or uses device
 * data may propose one: SEC Parties (suppliers, network parties), manufacturers, CSPs and the DCC.
 * SECAS (administrator and publisher) and the DSP (a DCC system) do not.
 */
export const FIX_PROPOSER_PARTY_TYPES = ['supplier', 'network', 'manufacturer', 'csp', 'dcc'] as const;
export type FixProposerPartyType = (typeof FIX_PROPOSER_PARTY_TYPES)[number];

/** Every proposal waits for the manufacturer; confirmation happens in the verification service. */
export const FIX_STATUS_AWAITING_CONFIRMATION = 'awaiting-manufacturer-confirmation';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The device a report describes, as the handler found it (only reports the proposer may read). */
export interface ReportedDevice {
  reportId: string;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: DeviceType;
}

export interface ProposeFix {
  type: 'ProposeFix';
  fixId: string;
  proposerPartyId: string;
  proposerPartyType: string;
  /** Exactly one of item, report and device names what the fix fixes. */
  item?: { providerPartyId: string; identifier: string };
  /** `found` is undefined when no report with that id exists or the proposer may not see it. */
  report?: { reportId: string; found: ReportedDevice | undefined };
  device?: { make: string; model: string; firmwareVersion: string; deviceType?: string | null };
  fixingFirmwareVersion: string;
  fixInformation: string;
  at: string;
}

export type FixCommand = ProposeFix;

export type FixTarget = FixTargetData;

export type FixProposed = { type: 'FixProposed' } & FixProposedData;

export type FixEvent = FixProposed;

export type FixState = { kind: 'none' } | { kind: 'proposed'; fixId: string; proposerPartyId: string; status: string };

export const fixStreamId = (fixId: string) => `fix-${fixId}`;

export function isFixProposerPartyType(partyType: string): partyType is FixProposerPartyType {
  return (FIX_PROPOSER_PARTY_TYPES as readonly string[]).includes(partyType);
}

const SOURCE_BY_PARTY_TYPE: Record<FixProposerPartyType, ItemSource> = {
  manufacturer: 'Device Manufacturer',
  csp: 'CSP',
  dcc: 'DCC',
  supplier: 'SEC Party',
  network: 'SEC Party',
};

interface Affected {
  target: FixTarget;
  make: string | null;
  model: string | null;
  firmwareVersion: string | null;
  deviceType: DeviceType | null;
}

function affected(command: ProposeFix): Affected {
  const named = [command.item, command.report, command.device].filter((t) => t !== undefined).length;
  if (named !== 1) {
    throw new DomainError('INVALID_FIX_TARGET', 'name exactly one of: item (providerPartyId + identifier), reportId, or device (make, model, firmwareVersion)', {
      field: 'item|reportId|device',
    });
  }
  if (command.item) {
    const providerPartyId = command.item.providerPartyId.trim();
    if (!PARTY_ID.test(providerPartyId)) throw new DomainError('INVALID_FIELD', 'item.providerPartyId is not a party id', { field: 'item.providerPartyId' });
    const identifier = canonicalIdentifier(command.item.identifier, 'item.identifier');
    return { target: { kind: 'item', providerPartyId, identifier }, make: null, model: null, firmwareVersion: null, deviceType: null };
  }
  if (command.report) {
    const found = command.report.found;
    if (!found) throw new DomainError('REPORT_NOT_FOUND', `report ${command.report.reportId} does not exist`, { field: 'reportId' });
    return { target: { kind: 'report', reportId: found.reportId }, make: found.make, model: found.model, firmwareVersion: found.firmwareVersion, deviceType: found.deviceType };
  }
  const device = command.device!;
  return {
    target: { kind: 'device' },
    make: requiredText(device.make, 'device.make', 'Make'),
    model: requiredText(device.model, 'device.model', 'Model'),
    firmwareVersion: canonicalFirmwareVersion(device.firmwareVersion, 'device.firmwareVersion'),
    deviceType: device.deviceType == null || device.deviceType.trim() === '' ? null : requiredDeviceType(device.deviceType, 'device.deviceType'),
  };
}

/** Glossary Fix Information rule: stored exactly as given, but a fix without information is no fix. */
function fixInformation(value: string): string {
  requiredText(value, 'fixInformation');
  if (value.length > maxLengthOf('Fix Information')) {
    throw new DomainError('INVALID_FIELD', `fixInformation is longer than ${maxLengthOf('Fix Information')} characters`, { field: 'fixInformation' });
  }
  return value;
}

export const fixDecider: Decider<FixCommand, FixState, FixEvent> = {
  initialState: () => ({ kind: 'none' }),

  evolve(_state, event) {
    return { kind: 'proposed', fixId: event.fixId, proposerPartyId: event.proposerPartyId, status: event.status };
  },

  decide(command, state) {
    if (!isFixProposerPartyType(command.proposerPartyType)) {
      throw new DomainError('FORBIDDEN_FIX_PROPOSER', `a ${command.proposerPartyType} party may not propose fixes`);
    }
    if (state.kind !== 'none') throw new DomainError('FIX_EXISTS', `fix ${command.fixId} already exists`);
    const what = affected(command);
    const fixingFirmwareVersion = canonicalFirmwareVersion(command.fixingFirmwareVersion, 'fixingFirmwareVersion');
    if (what.firmwareVersion !== null && what.firmwareVersion.toUpperCase() === fixingFirmwareVersion.toUpperCase()) {
      throw new DomainError('FIX_FIRMWARE_UNCHANGED', `the fixing firmware version ${fixingFirmwareVersion} is the affected version itself`, { field: 'fixingFirmwareVersion' });
    }
    return [
      {
        type: 'FixProposed',
        fixId: command.fixId,
        proposerPartyId: command.proposerPartyId,
        proposerPartyType: command.proposerPartyType,
        source: SOURCE_BY_PARTY_TYPE[command.proposerPartyType],
        ...what,
        fixingFirmwareVersion,
        fixInformation: fixInformation(command.fixInformation),
        status: FIX_STATUS_AWAITING_CONFIRMATION,
        proposedAt: command.at,
      },
    ];
  },
};

