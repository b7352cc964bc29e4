import { DeviceEvent } from './device-events';
import { Device, DeviceState, variantCheckApplies } from './device-state';

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
        variantCheckDueBy: null,
      };
    case 'ServiceRequestRefused':
      return state;
    default:
      // History is fact: an event for a device not (yet) in the SMI cannot be undone, so it is skipped
      // rather than making the whole stream unreadable.
      if (state.kind !== 'device') return state;
      switch (event.type) {
        case 'InventoryUpdated':
          return withoutMootCheck({ ...state, ...event.changes });
        case 'EsmeVariantCorrected':
          return { ...state, esmeVariant: event.to };
        case 'DeviceStatusChanged':
          return withoutMootCheck({ ...state, status: event.to });
        case 'ResponsibleSupplierChanged':
          // A check due for the losing party is no longer its to make; the EsmeVariantCheckRequired recorded with a
          // Change of Supplier of an ESME (in the same append, after this event) gives it to the gaining party.
          return {
            ...state,
            responsibleSupplier: event.supplier,
            responsibleSupplierUser: event.supplierUser,
            variantCheckDueBy: event.supplier === state.responsibleSupplier ? state.variantCheckDueBy : null,
          };
        case 'EsmeVariantCheckRequired':
          return { ...state, variantCheckDueBy: event.gainingSupplier };
        case 'EsmeVariantChecked':
          return { ...state, variantCheckDueBy: null };
      }
  }
}

/** A Pending update that changed the type or SMETS version, or a move out of service for good, leaves nothing to check. */
function withoutMootCheck(device: Device): Device {
  return device.variantCheckDueBy === null || variantCheckApplies(device) ? device : { ...device, variantCheckDueBy: null };
}
