import { renderTable, readableTime } from './table';
import { SERVICE_NAMES, type ServiceName } from './services';

/** An event as `GET /audit/...` answers it (libs/service-runtime operations.controller.ts). */
export interface AuditEvent {
  position: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  data: unknown;
  metadata: {
    actor?: { userId: string; partyId: string; partyType: string; roles: string[] };
    correlationId?: string;
    requestId?: string;
    [key: string]: unknown;
  } | null;
}

export interface TraceEntry {
  service: ServiceName;
  position: string;
  streamId: string;
  streamVersion: number;
  type: string;
  recordedAt: string;
  actor: string;
  change: string;
  answer: string;
  data: unknown;
  metadata: AuditEvent['metadata'];
}

export interface Trace {
  correlationId: string;
  /**
   * The other correlation ids the request is known by: a Service Request sent over HTTP is recorded under the HTTP
   * request id, and its RequestID names the stream of its answer (`service-request-<RequestID>`).
   */
  alsoKnownAs: string[];
  /** How many events each service holds for the request: every service answered, or there is no trace at all. */
  services: Record<ServiceName, { url: string; events: number }>;
  events: TraceEntry[];
}

/** `90-B3-D5-1F-30-01-00-01 (SUPPLIER-A supplier)`; `-` for events no caller caused (a sweep, a relay). */
export function actorOf(event: Pick<AuditEvent, 'metadata'>): string {
  const actor = event.metadata?.actor;
  if (!actor) return '-';
  return `${actor.userId} (${actor.partyId} ${actor.partyType})`;
}

/**
 * What the service answered, where the event records it: a Service Request's answer (`ServiceRequestAnswered`)
 * and a refusal (`ServiceRequestRefused`) both carry the DUIS response code; the answer's text is `message`, the
 * refusal's `reason`. Empty for events that are not an answer.
 */
export function answerOf(event: Pick<AuditEvent, 'data'>): string {
  const data = event.data as { responseCode?: unknown; message?: unknown; reason?: unknown } | null;
  if (!data || typeof data !== 'object' || typeof data.responseCode !== 'string') return '';
  const text = typeof data.message === 'string' ? data.message : typeof data.reason === 'string' ? data.reason : '';
  return text ? `${data.responseCode} ${text}` : data.responseCode;
}

/** What a change event changed: the ESME Variant correction's from → to, an update's fields with their previous values. */
export function changeOf(event: Pick<AuditEvent, 'type' | 'data'>): string {
  const data = event.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') return '';
  if (event.type === 'EsmeVariantCorrected') return `esmeVariant ${show(data.from)} → ${show(data.to)}`;
  const changes = data.changes;
  if (changes && typeof changes === 'object' && !Array.isArray(changes)) {
    const previous = (data.previous && typeof data.previous === 'object' ? data.previous : {}) as Record<string, unknown>;
    return Object.entries(changes as Record<string, unknown>)
      .map(([field, value]) => (field in previous ? `${field} ${show(previous[field])} → ${show(value)}` : `${field} → ${show(value)}`))
      .join(', ');
  }
  return '';
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One request's events from every service, in the order they were recorded. Each service's clock stamps its own
 * events; on the same millisecond the pipeline's order (intake … inventory) and then the store position decide,
 * so the order is the same on every run.
 */
export function mergeTrace(
  correlationId: string,
  answers: Array<{ service: ServiceName; url: string; events: AuditEvent[] }>,
  alsoKnownAs: string[] = [],
): Trace {
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, { url: '', events: 0 }])) as Trace['services'];
  const events: TraceEntry[] = [];
  // The same event can be found under two of the request's ids; it is listed once.
  const seen = new Set<string>();
  for (const { service, url, events: recorded } of answers) {
    services[service].url = url;
    for (const event of recorded) {
      if (seen.has(`${service} ${event.eventId}`)) continue;
      seen.add(`${service} ${event.eventId}`);
      services[service].events += 1;
      events.push({
        service,
        position: event.position,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        type: event.type,
        recordedAt: event.recordedAt,
        actor: actorOf(event),
        change: changeOf(event),
        answer: answerOf(event),
        data: event.data,
        metadata: event.metadata,
      });
    }
  }
  const rank = (s: ServiceName) => SERVICE_NAMES.indexOf(s);
  events.sort((a, b) => {
    const time = Date.parse(a.recordedAt) - Date.parse(b.recordedAt);
    if (time !== 0) return time;
    if (a.service !== b.service) return rank(a.service) - rank(b.service);
    const position = BigInt(a.position) - BigInt(b.position);
    return position < 0n ? -1 : position > 0n ? 1 : 0;
  });
  return { correlationId, alsoKnownAs, services, events };
}

export function formatTrace(trace: Trace): string {
  const counts = SERVICE_NAMES.map((s) => `${s} ${trace.services[s].events}`).join(', ');
  const aliases = trace.alsoKnownAs.length ? ` (HTTP request ${trace.alsoKnownAs.join(', ')})` : '';
  const heading = `Request ${trace.correlationId}${aliases}: ${trace.events.length} event${trace.events.length === 1 ? '' : 's'} (${counts})`;
  if (trace.events.length === 0) return `${heading}\nNo service recorded an event for it.`;
  const table = renderTable(
    ['TIME (UTC)', 'SERVICE', 'STREAM', 'TYPE', 'ACTOR', 'CHANGE', 'ANSWER'],
    trace.events.map((e) => [readableTime(e.recordedAt), e.service, e.streamId, e.type, e.actor, e.change, e.answer]),
  );
  return `${heading}\n\n${table}`;
}

export interface StreamHistory {
  streamId: string;
  asOf: string | null;
  version: number;
  events: AuditEvent[];
}

/** The Service Request's RequestID where the event records one (the inventory does), else the correlation id. */
export function requestOf(event: Pick<AuditEvent, 'metadata'>): string {
  const requestId = event.metadata?.requestId;
  return typeof requestId === 'string' && requestId ? requestId : (event.metadata?.correlationId ?? '');
}

export function formatHistory(service: ServiceName, history: StreamHistory): string {
  const when = history.asOf ? ` as of ${readableTime(history.asOf)} UTC` : '';
  const heading = `Stream ${history.streamId} on ${service}${when}: version ${history.version}, ${history.events.length} event${history.events.length === 1 ? '' : 's'}`;
  if (history.events.length === 0) return `${heading}\nNo events${history.asOf ? ' up to that instant' : ''}.`;
  const table = renderTable(
    ['VERSION', 'TIME (UTC)', 'TYPE', 'ACTOR', 'REQUEST', 'CHANGE', 'ANSWER'],
    history.events.map((e) => [String(e.streamVersion), readableTime(e.recordedAt), e.type, actorOf(e), requestOf(e), changeOf(e), answerOf(e)]),
  );
  return `${heading}\n\n${table}`;
}
