import { RecordedEvent } from '@smi/event-store';
import { OutgoingMessage } from '@smi/kafka';
import { ResolvedTopics } from '@smi/service-runtime';
import { SERVICE_REQUEST_ANSWERED, ServiceRequestAnswered, ServiceResponseBody, responseBody } from './device-aggregate';

/** Base names of the inventory's topics (the platform applies KAFKA_TOPIC_PREFIX). */
export const INVENTORY_TOPICS = {
  events: 'inventory.events',
  /** SR12.2 / SR8.4 from an authenticating DSP gateway, keyed by Device ID. */
  serviceRequests: 'inventory.service-requests',
  /** Answers to the Kafka Service Requests, keyed by RequestID. */
  serviceResponses: 'inventory.service-responses',
  /** Lifecycle facts (status changes, Change of Supplier) reported by the DSP integration, keyed by Device ID. */
  deviceReports: 'inventory.device-reports',
} as const;

/** Headers of a response message, whether published by the relay or directly (a repeat or a malformed command). */
export function responseHeaders(requestId: string | null, responseId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    ce_specversion: '1.0',
    ce_id: responseId,
    ce_type: 'ServiceResponse',
    ce_source: 'urn:smi:service:inventory',
    ...(requestId ? { correlation_id: requestId } : {}),
  };
}

export function serviceResponseMessage(body: ServiceResponseBody, responseId: string): OutgoingMessage {
  return { key: body.requestId, value: JSON.stringify(body), headers: responseHeaders(body.requestId, responseId) };
}

/**
 * The relay's extra message for an answered Kafka Service Request: its response, published through the
 * outbox so an answer recorded is an answer sent (at least once; the response id lets a client drop repeats).
 */
export function serviceResponseMessages(event: RecordedEvent, topics: ResolvedTopics): Array<{ topic: string; message: OutgoingMessage }> {
  if (event.type !== SERVICE_REQUEST_ANSWERED) return [];
  const answer = event.data as Omit<ServiceRequestAnswered, 'type'>;
  if (answer.channel !== 'kafka') return [];
  return [{ topic: topics.name(INVENTORY_TOPICS.serviceResponses), message: serviceResponseMessage(responseBody(answer), event.eventId) }];
}
