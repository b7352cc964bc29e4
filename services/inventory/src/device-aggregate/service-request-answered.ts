import { ServiceResponse } from './device-answers';
import { Sender } from './device-commands';
import { ResponseCode, ServiceReference } from './device-events';

/**
 * The record of one Service Request's answer, in its own stream `service-request-<RequestID>`.
 *
 * Appended with expected version "no stream" in the same transaction as the device's events, it is at once
 * the idempotency key (a repeated RequestID finds the stream and gets the first answer back; a concurrent
 * duplicate loses the append race and re-reads), the audit record of every attempt (even an I0 that changed
 * nothing, which leaves no device event), and — for requests that came over Kafka — the outbox entry from
 * which the relay publishes the response to `inventory.service-responses`.
 */
export interface ServiceRequestAnswered {
  type: 'ServiceRequestAnswered';
  requestId: string;
  serviceReference: ServiceReference;
  deviceId: string;
  responseCode: ResponseCode;
  message: string;
  sender: Sender;
  channel: RequestChannel;
  receivedAt: string;
}

export type RequestChannel = 'http' | 'kafka';

export const SERVICE_REQUEST_ANSWERED = 'ServiceRequestAnswered';

/** Stream of one Service Request, by its canonical RequestID. */
export function serviceRequestStreamId(requestId: string): string {
  return `service-request-${requestId}`;
}

/** The body of every answer, over HTTP and on `inventory.service-responses` alike. */
export interface ServiceResponseBody {
  requestId: string;
  serviceReference: ServiceReference;
  deviceId: string;
  responseCode: ResponseCode;
  message: string;
}

export function answered(
  response: ServiceResponse,
  request: { deviceId: string; sender: Sender; channel: RequestChannel; receivedAt: string },
): ServiceRequestAnswered {
  return {
    type: 'ServiceRequestAnswered',
    requestId: response.requestId,
    serviceReference: response.serviceReference,
    deviceId: request.deviceId,
    responseCode: response.responseCode,
    message: response.message,
    sender: { ...request.sender, roles: [...request.sender.roles] },
    channel: request.channel,
    receivedAt: request.receivedAt,
  };
}

export function responseBody(answer: Pick<ServiceRequestAnswered, keyof ServiceResponseBody>): ServiceResponseBody {
  const { requestId, serviceReference, deviceId, responseCode, message } = answer;
  return { requestId, serviceReference, deviceId, responseCode, message };
}
