import { ServiceRequestCommand } from './device-commands';
import { DeviceEvent, ResponseCode, ServiceReference, ServiceRequestRefused } from './device-events';
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

function successMessage(events: readonly DeviceEvent[]): string {
  const [event] = events;
  switch (event?.type) {
    case 'DevicePreNotified':
      return `device pre-notified with SMI status ${event.status}`;
    case 'InventoryUpdated':
      return `inventory updated: ${Object.keys(event.changes).join(', ')}`;
    case 'EsmeVariantCorrected':
      return `ESME Variant corrected from ${event.from ?? 'none'} to ${event.to}`;
    default:
      return 'no change: the device already holds these details';
  }
}
