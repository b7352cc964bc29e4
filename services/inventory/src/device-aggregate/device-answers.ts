import { ServiceRequestCommand } from './device-commands';
import { DeviceEvent, EsmeVariantChecked, ResponseCode, ServiceReference, ServiceRequestRefused } from './device-events';
import { DeviceState } from './device-state';
import { DeviceDecider, deviceDecider } from './device.decider';
import { normaliseRequestId } from './identifiers';

/** The DUIS response to a Service Request: what the sender is told, over HTTP or Kafka alike. */
export interface ServiceResponse {
  requestId: string;
  serviceReference: ServiceReference;
  responseCode: ResponseCode;
  message: string;
}

/**
 * The DUIS response to a Service Request, derived from the events its decision produced: a refusal
 * event carries its code, anything else (including no event at all) is I0. The handler stores it under
 * the RequestID so a retry gets the same answer.
 */
export function respond(command: ServiceRequestCommand, events: readonly DeviceEvent[]): ServiceResponse {
  const requestId = normaliseRequestId(command.requestId);
  const serviceReference: ServiceReference = command.type === 'PreNotifyDevice' ? '12.2' : '8.4';
  const refused = events.find((e): e is ServiceRequestRefused => e.type === 'ServiceRequestRefused');
  if (refused) return { requestId, serviceReference, responseCode: refused.responseCode, message: refused.reason };
  return { requestId, serviceReference, responseCode: 'I0', message: successMessage(events) };
}

/** Decides a Service Request and answers it: the usual entry point for the SR12.2 and SR8.4 handlers. */
export function decideServiceRequest(
  command: ServiceRequestCommand,
  state: DeviceState,
  decider: DeviceDecider = deviceDecider,
): { response: ServiceResponse; events: DeviceEvent[] } {
  const events = decider.decide(command, state);
  return { response: respond(command, events), events };
}

/**
 * The I0 message. A variant check after a Change of Supplier is an I0 like any accepted SR8.4 (DUIS has no code of
 * its own for it): a confirmation says so, a correction that is also the check adds it to the correction's message.
 */
function successMessage(events: readonly DeviceEvent[]): string {
  const [event] = events;
  const check = events.find((e): e is EsmeVariantChecked => e.type === 'EsmeVariantChecked');
  const checkNote = check ? '; ESME Variant check after the Change of Supplier recorded' : '';
  switch (event?.type) {
    case 'DevicePreNotified':
      return `device pre-notified with SMI status ${event.status}`;
    case 'InventoryUpdated':
      return `inventory updated: ${Object.keys(event.changes).join(', ')}${checkNote}`;
    case 'EsmeVariantCorrected':
      return `ESME Variant corrected from ${event.from ?? 'none'} to ${event.to}${checkNote}`;
    case 'EsmeVariantChecked':
      return `ESME Variant ${event.esmeVariant} confirmed: the check after the Change of Supplier is recorded, nothing else changed`;
    default:
      return 'no change: the device already holds these details';
  }
}
