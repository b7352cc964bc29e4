import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import type { IncomingMessage } from '@smi/kafka';

const tracer = trace.getTracer('@smi/consumer');

/**
 * Runs `work` inside one CONSUMER span per handled chunk. A span has a single parent, so the chunk's FIRST
 * message's trace (from its `traceparent`/`tracestate` headers) is the parent and the other messages' traces
 * are links: a single-message chunk is therefore exactly the child of its producer's trace.
 */
export async function inConsumerSpan<T>(groupId: string, messages: readonly IncomingMessage[], work: () => Promise<T>): Promise<T> {
  const [first, ...rest] = messages;
  const parent = propagation.extract(ROOT_CONTEXT, first.headers);
  const links: Link[] = [];
  for (const message of rest) {
    const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.headers));
    if (linked) links.push({ context: linked });
  }
  const span = tracer.startSpan(
    `process ${first.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': first.topic,
        'messaging.destination.partition.id': String(first.partition),
        'messaging.consumer.group.name': groupId,
        'messaging.batch.message_count': messages.length,
        'messaging.kafka.offset': Number(first.offset),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
