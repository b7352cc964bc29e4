import { DeviceEvent } from './device-events';
import { DeviceState } from './device-state';

/** How each recorded event changes a device; a refusal changes nothing. */
export function evolve(state: DeviceState, event: DeviceEvent): DeviceState {
  switch (event.type) {
    case 'DevicePreNotified':
      return {
        kind: 'device',
        deviceId: event.deviceId,
        deviceType: event.deviceType,
        manufacturer: event.manufacturer,
        model: event.model,
        firmwareVersion: event.firmwareVersion,
        smetsVersion: event.smetsVersion,
        esmeVariant: event.esmeVariant,
        status: event.status,
        prenotifyingUser: event.sender.userId,
        prenotifyingParty: event.sender.partyId,
        responsibleSupplier: event.sender.partyId,
        responsibleSupplierUser: event.sender.userId,
      };
    case 'ServiceRequestRefused':
      return state;
    default:
      // History is fact: an event for a device not (yet) in the SMI cannot be undone, so it is skipped
      // rather than making the whole stream unreadable.
      if (state.kind !== 'device') return state;
      switch (event.type) {
        case 'InventoryUpdated':
          return { ...state, ...event.changes };
        case 'EsmeVariantCorrected':
          return { ...state, esmeVariant: event.to };
        case 'DeviceStatusChanged':
          return { ...state, status: event.to };
        case 'ResponsibleSupplierChanged':
          return { ...state, responsibleSupplier: event.supplier, responsibleSupplierUser: event.supplierUser };
      }
  }
}
