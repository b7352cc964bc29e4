import { call, Outcome, SERVICE_NAMES, ServiceName } from '../api';
import { Child, h, replaceChildren } from '../dom';
import { loading, notice, problem, table, valueView } from '../render';

interface Health {
  service: string;
  status: string;
  checks?: Record<string, { status: string; error?: string }>;
}

interface ServiceReport {
  service: ServiceName;
  health: Outcome<Health>;
  relay: Outcome<unknown>;
  projections: Outcome<unknown>;
  consumers: Outcome<ConsumersReport>;
}

/** `GET /ops/consumers`: each consumer group of the service with its lag per partition (offsets are strings). */
interface ConsumersReport {
  groups: Array<{
    consumer: string;
    groupId: string;
    lag: string;
    partitions: Array<{ topic: string; partition: number; committed: string | null; end: string; lag: string }>;
  }>;
}

/** A service's `/health` answers 503 with its checks when a dependency is down: that is a reading, not a failure. */
function healthOf(outcome: Outcome<Health>): { status: string; detail: string } {
  if (outcome.kind === 'ok') return { status: outcome.body.status, detail: checksText(outcome.body) };
  if (outcome.kind === 'failed' && typeof outcome.body === 'object' && outcome.body !== null && 'status' in outcome.body) {
    const body = outcome.body as Health;
    return { status: body.status, detail: checksText(body) };
  }
  if (outcome.kind === 'unreachable') return { status: 'unreachable', detail: outcome.message };
  return { status: `answered ${'status' in outcome ? outcome.status : '?'}`, detail: outcome.message };
}

function checksText(body: Health): string {
  return Object.entries(body.checks ?? {})
    .map(([name, check]) => `${name} ${check.status}${check.error ? ` (${check.error})` : ''}`)
    .join(', ');
}

function relayText(body: unknown): string {
  const backlog = (body as { backlog?: unknown } | null)?.backlog;
  return backlog === undefined ? 'reported' : `${String(backlog)} unpublished`;
}

function projectionsText(body: unknown): string {
  if (!Array.isArray(body)) return 'reported';
  const lags = body.map((p) => Number((p as { lag?: unknown }).lag)).filter((n) => Number.isFinite(n));
  return body.length === 0 ? 'none' : `${body.length} read model${body.length === 1 ? '' : 's'}, most behind by ${Math.max(0, ...lags)}`;
}

function consumersText(body: ConsumersReport): string {
  const behind = body.groups.reduce((sum, g) => sum + BigInt(g.lag), 0n);
  return `${body.groups.length} group${body.groups.length === 1 ? '' : 's'}, ${behind} message${behind === 1n ? '' : 's'} behind`;
}

/**
 * One row per partition that has ever held a message, as `npm run ops -- lag` prints them: six partitions a topic,
 * most of them empty in a quiet system, would bury the ones that matter.
 */
function consumersSection(outcome: Outcome<ConsumersReport>): Child[] {
  if (outcome.kind !== 'ok') return section('Consumer lag', outcome, 'consumer lag', 'This service reports no consumer lag (GET /ops/consumers answered 404).');
  const rows = outcome.body.groups.flatMap((g) => g.partitions.filter((p) => p.end !== '0').map((p) => ({ consumer: g.consumer, ...p })));
  const hidden = outcome.body.groups.reduce((n, g) => n + g.partitions.length, 0) - rows.length;
  return [
    h('h3', {}, 'Consumer lag'),
    outcome.body.groups.length === 0
      ? h('p', { class: 'muted' }, 'This service runs no Kafka consumers.')
      : table(
          [
            { label: 'Consumer', value: (r: (typeof rows)[number]) => r.consumer },
            { label: 'Topic', value: (r) => r.topic },
            { label: 'Partition', value: (r) => String(r.partition) },
            { label: 'Committed', value: (r) => r.committed ?? '—' },
            { label: 'End', value: (r) => r.end },
            { label: 'Lag', value: (r) => r.lag },
          ],
          rows,
          { 'data-testid': 'consumer-lag' },
        ),
    hidden > 0 ? h('p', { class: 'muted' }, `${hidden} partition${hidden === 1 ? '' : 's'} never written to, not shown.`) : null,
  ];
}

function section(title: string, outcome: Outcome<unknown>, what: string, missing: string): HTMLElement[] {
  if (outcome.kind === 'ok') return [h('h3', {}, title), h('div', {}, valueView(outcome.body, 0))];
  if (outcome.kind === 'refused' && outcome.status === 404) return [h('h3', {}, title), h('p', { class: 'muted' }, missing)];
  return [h('h3', {}, title), problem(outcome, what)];
}

/** Each service's health, outbox relay backlog, read-model lag and (where the service has it) consumer lag. */
export async function healthPage(main: HTMLElement): Promise<void> {
  const body = h('div', {}, loading());
  replaceChildren(main, h('h1', {}, 'Health and lag'), body);
  const reports: ServiceReport[] = await Promise.all(
    SERVICE_NAMES.map(async (service) => {
      const [health, relay, projections, consumers] = await Promise.all([
        call<Health>(service, '/health'),
        call<unknown>(service, '/ops/relay'),
        call<unknown>(service, '/ops/projections'),
        call<ConsumersReport>(service, '/ops/consumers'),
      ]);
      return { service, health, relay, projections, consumers };
    }),
  );
  const opsRefused = reports.find((r) => r.relay.kind === 'forbidden' || r.relay.kind === 'unauthenticated');
  replaceChildren(
    body,
    table(
      [
        { label: 'Service', value: (r: ServiceReport) => r.service },
        { label: 'Health', value: (r) => h('span', { class: 'state', 'data-health': r.service }, healthOf(r.health).status) },
        { label: 'Checks', value: (r) => healthOf(r.health).detail },
        { label: 'Relay backlog', value: (r) => (r.relay.kind === 'ok' ? relayText(r.relay.body) : r.relay.kind) },
        { label: 'Read-model lag', value: (r) => (r.projections.kind === 'ok' ? projectionsText(r.projections.body) : r.projections.kind) },
        { label: 'Consumer lag', value: (r) => (r.consumers.kind === 'ok' ? consumersText(r.consumers.body) : r.consumers.kind === 'refused' && r.consumers.status === 404 ? 'not available' : r.consumers.kind) },
      ],
      reports,
      { 'data-testid': 'health-summary' },
    ),
    opsRefused && opsRefused.relay.kind !== 'ok' ? problem(opsRefused.relay as Exclude<Outcome<unknown>, { kind: 'ok' }>, 'the operations endpoints (relay, read models, consumers), which are DCC’s') : null,
    opsRefused ? null : reports.map((r) =>
      h(
        'section',
        { 'data-service': r.service },
        h('h2', {}, r.service),
        r.health.kind === 'unreachable'
          ? notice('problem', [h('strong', {}, 'Service unreachable. '), `${r.service}: ${r.health.message}.`])
          : [
              section('Outbox relay', r.relay, 'the relay status', 'This service reports no relay.'),
              section('Read models', r.projections, 'the read models', 'This service reports no read models.'),
              consumersSection(r.consumers),
            ],
      ),
    ),
  );
}
