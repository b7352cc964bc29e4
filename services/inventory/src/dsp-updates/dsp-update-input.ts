import { FieldError } from '@smi/service-runtime';
import { ChangeDeviceStatus, ChangeResponsibleSupplier, DspCommand, PartyType, Sender } from '../device-aggregate';
import { validatePlain } from '../request-validation/validators';
import { StatusUpdateDto, SupplierChangeDto, StatusUpdateMessageDto, SupplierChangeMessageDto } from './dsp-updates.dto';

export function statusCommand(deviceId: string, dto: StatusUpdateDto, reportId: string, sender: Sender, at: string): ChangeDeviceStatus {
  return { type: 'ChangeDeviceStatus', requestId: reportId, deviceId, sender, at, to: dto.status, reason: dto.reason };
}

export function supplierChangeCommand(deviceId: string, dto: SupplierChangeDto, reportId: string, sender: Sender, at: string): ChangeResponsibleSupplier {
  return {
    type: 'ChangeResponsibleSupplier',
    requestId: reportId,
    deviceId,
    sender,
    at,
    supplierPartyId: dto.supplierPartyId,
    supplierUserId: dto.supplierUserId ?? null,
    effectiveFrom: dto.effectiveFrom,
  };
}

function senderOf(raw: { userId: string; partyId: string; partyType: string; roles: string[] }): Sender {
  return { userId: raw.userId, partyId: raw.partyId, partyType: raw.partyType as PartyType, roles: [...raw.roles] };
}

/** Reads an `inventory.device-reports` message value (a DSP status change or Change of Supplier) that is already parsed JSON. */
export function readDspUpdateMessage(raw: unknown, receivedAt: string): { ok: true; command: DspCommand } | { ok: false; errors: FieldError[] } {
  const kind = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).kind : undefined;
  if (kind === 'status') {
    const { value, errors } = validatePlain(StatusUpdateMessageDto, raw);
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, command: statusCommand(value.deviceId, value, value.reportId, senderOf(value.sender), receivedAt) };
  }
  if (kind === 'responsible-supplier') {
    const { value, errors } = validatePlain(SupplierChangeMessageDto, raw);
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, command: supplierChangeCommand(value.deviceId, value, value.reportId, senderOf(value.sender), receivedAt) };
  }
  return { ok: false, errors: [{ field: 'kind', reason: 'kind must be "status" or "responsible-supplier"' }] };
}
