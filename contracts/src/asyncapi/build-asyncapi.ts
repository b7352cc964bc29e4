import { EVENT_SCHEMAS } from '../events/event-schemas';

/**
 * The AsyncAPI 3 document of every topic and message, built from the event schema registry so the
 * document cannot list a different set of events than the services emit. `npm run contracts:asyncapi`
 * writes it to contracts/asyncapi.yaml; a test fails when the committed file is out of date.
 */

/** CloudEvents binary-mode headers plus the audit and tracing headers every event carries (see @smi/outbox-relay). */
const EVENT_HEADERS = {
  type: 'object',
  required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_subject', 'ce_time', 'content-type', 'correlation_id', 'stream_version', 'schema_version'],
  properties: {
    ce_specversion: { type: 'string', const: '1.0' },
    ce_id: { type: 'string', format: 'uuid', description: 'Event id; consumers drop repeats by it' },
    ce_type: { type: 'string', description: 'Event type, e.g. PartyRegistered' },
    ce_source: { type: 'string', description: 'urn:smi:service:<service>' },
    ce_subject: { type: 'string', description: 'Stream id, also the message key' },
    ce_time: { type: 'string', format: 'date-time' },
    'content-type': { type: 'string', const: 'application/json' },
    correlation_id: { type: 'string', description: 'HTTP request id or Service Request RequestID' },
    causation_id: { type: 'string' },
    actor: { type: 'string', description: 'JSON: {userId, partyId, partyType, roles}' },
    stream_version: { type: 'string' },
    schema_version: { type: 'string' },
    event_position: { type: 'string', description: 'Global position in the publishing service' },
    traceparent: { type: 'string', description: 'W3C trace context' },
    tracestate: { type: 'string' },
  },
};

const DEAD_LETTER_HEADERS = {
  type: 'object',
  required: ['dlq_error', 'dlq_source_topic', 'dlq_source_partition', 'dlq_source_offset', 'dlq_consumer', 'dlq_failed_at'],
  properties: {
    dlq_error: { type: 'string' },
    dlq_error_type: { type: 'string' },
    dlq_source_topic: { type: 'string' },
    dlq_source_partition: { type: 'string' },
    dlq_source_offset: { type: 'string' },
    dlq_consumer: { type: 'string' },
    dlq_failed_at: { type: 'string', format: 'date-time' },
  },
};

/** Channels that carry something other than one service's events: commands and their responses. */
export interface ExtraChannel {
  address: string;
  description: string;
  messages: Record<string, { payload: object; description: string }>;
  /** Who sends and who receives. */
  sentBy: string;
  receivedBy: string;
}

export function buildAsyncApi(extraChannels: Record<string, ExtraChannel> = {}): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};

  for (const [service, events] of Object.entries(EVENT_SCHEMAS).sort(([a], [b]) => a.localeCompare(b))) {
    const channelMessages: Record<string, unknown> = {};
    for (const [type, versions] of Object.entries(events).sort(([a], [b]) => a.localeCompare(b))) {
      const latest = Math.max(...Object.keys(versions).map(Number));
      const schema = versions[latest] as { description?: string };
      const id = `${service}.${type}`;
      messages[id] = {
        name: type,
        title: type,
        summary: schema.description ?? type,
        contentType: 'application/json',
        headers: EVENT_HEADERS,
        payload: embed(schema, id, schemas),
        'x-schema-version': latest,
      };
      channelMessages[type] = { $ref: `#/components/messages/${id}` };
    }
    const channelId = `${service}Events`;
    channels[channelId] = {
      address: `${service}.events`,
      title: `${service} domain events`,
      description: `Every event recorded by the ${service} service, published by its outbox relay in commit order, keyed by stream id. Retention is infinite so a new consumer can start from the beginning. Topic names take the KAFKA_TOPIC_PREFIX setting as a prefix.`,
      messages: channelMessages,
    };
    operations[`publish${capitalise(service)}Events`] = { action: 'send', channel: { $ref: `#/channels/${channelId}` }, summary: `${service} relay publishes its events` };
    channels[`${channelId}DeadLetters`] = {
      address: `${service}.events.dlq`,
      title: `${service}.events dead letters`,
      description: 'Messages a consumer could never apply, with the error in dlq_* headers; the original headers and value are kept.',
      messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
    };
  }

  for (const [channelId, extra] of Object.entries(extraChannels)) {
    const channelMessages: Record<string, unknown> = {};
    for (const [name, message] of Object.entries(extra.messages)) {
      messages[`${channelId}.${name}`] = { name, title: name, summary: message.description, contentType: 'application/json', payload: embed(message.payload, `${channelId}.${name}`, schemas) };
      channelMessages[name] = { $ref: `#/components/messages/${channelId}.${name}` };
    }
    channels[channelId] = { address: extra.address, description: extra.description, messages: channelMessages };
    operations[`send${capitalise(channelId)}`] = { action: 'send', channel: { $ref: `#/channels/${channelId}` }, summary: `sent by ${extra.sentBy}` };
    operations[`receive${capitalise(channelId)}`] = { action: 'receive', channel: { $ref: `#/channels/${channelId}` }, summary: `received by ${extra.receivedBy}` };
  }

  messages.deadLetter = {
    name: 'deadLetter',
    title: 'Dead letter',
    summary: 'A message that could never be applied, moved aside so its partition can move on',
    headers: DEAD_LETTER_HEADERS,
    payload: { description: 'The original message value, unchanged' },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'GB smart metering defects database and Smart Metering Inventory: events',
      version: '1.0.0',
      description:
        'Topics and messages exchanged by the intake, verification, publication and inventory services. Events use CloudEvents 1.0 binary content mode: attributes in ce_* headers, the event data as the JSON value.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The broker started by npm run infra:up' },
    },
    channels,
    operations,
    components: { messages, ...(Object.keys(schemas).length > 0 ? { schemas } : {}) },
  };
}

/**
 * Embeds a JSON Schema in the document: drops $schema/$id, and moves its local `$defs` to
 * components.schemas under `prefix`, since `#/$defs/...` would otherwise resolve against the
 * AsyncAPI document's root.
 */
function embed(schema: object, prefix: string, componentSchemas: Record<string, unknown>): object {
  const { $schema: _schema, $id: _id, $defs, ...rest } = schema as Record<string, unknown>;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, inner]) =>
          key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
            ? [key, `#/components/schemas/${prefix}.${inner.slice('#/$defs/'.length)}`]
            : [key, rewrite(inner)],
        ),
      );
    }
    return value;
  };
  for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
    componentSchemas[`${prefix}.${name}`] = rewrite(definition);
  }
  return rewrite(rest) as object;
}

function capitalise(text: string): string {
  return text.replace(/(^|[.\-_])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
}
