import { RecordedEvent } from '@smi/event-store';

/**
 * CloudEvents 1.0 binary content mode for Kafka: the attributes travel as `ce_*` headers and the
 * message value is the event data alone, so consumers that only want the data need no envelope.
 * Audit context (correlation, causation, actor) and the stream position travel beside it.
 */
export function cloudEventHeaders(event: RecordedEvent, source: string, traceparent?: string, tracestate?: string): Record<string, string> {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.eventId,
    ce_type: event.type,
    ce_source: source,
    ce_subject: event.streamId,
    ce_time: event.recordedAt.toISOString(),
    'content-type': 'application/json',
    correlation_id: event.metadata.correlationId,
    stream_version: String(event.streamVersion),
    schema_version: String(event.schemaVersion),
    event_position: event.position,
  };
  if (event.metadata.causationId) headers.causation_id = event.metadata.causationId;
  if (event.metadata.actor) headers.actor = JSON.stringify(event.metadata.actor);
  if (traceparent) headers.traceparent = traceparent;
  if (tracestate) headers.tracestate = tracestate;
  return headers;
}
