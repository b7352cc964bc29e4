// The shapes the services answer `GET /ops/dead-letters[/:id]` with: types only, so the CLI loads nothing of the consumer.
import type { DeadLetter, DeadLetterSummary } from '@smi/consumer';
import { readableTime, renderTable } from './table';
import type { ServiceName } from './services';

export type { DeadLetter, DeadLetterSummary };

export function replayedText(d: Pick<DeadLetterSummary, 'replayedAt' | 'replayedBy' | 'replayable'>): string {
  if (d.replayedAt) return `${readableTime(d.replayedAt)} by ${d.replayedBy?.userId ?? 'unknown'}`;
  return d.replayable ? 'no' : 'no (by hand: recorded without its message)';
}

export function formatDeadLetters(service: ServiceName, deadLetters: DeadLetterSummary[]): string {
  if (deadLetters.length === 0) return `No dead letters on ${service}.`;
  const pending = deadLetters.filter((d) => !d.replayedAt).length;
  const heading = `Dead letters on ${service}: ${deadLetters.length} (${pending} not replayed), newest first`;
  const table = renderTable(
    ['ID', 'RECORDED (UTC)', 'CONSUMER', 'SOURCE', 'ERROR', 'REPLAYED'],
    deadLetters.map((d) => [d.id, readableTime(d.recordedAt), d.consumer, `${d.topic}[${d.partition}]@${d.offset}`, d.error, replayedText(d)]),
  );
  return `${heading}\n\n${table}`;
}

export function formatDeadLetter(service: ServiceName, d: DeadLetter): string {
  const rows: Array<[string, string]> = [
    ['consumer', d.consumer],
    ['source', `${d.topic} partition ${d.partition} offset ${d.offset}`],
    ['message id', d.messageId],
    ['error', d.error],
    ['recorded', `${readableTime(d.recordedAt)} UTC`],
    ['replayed', replayedText(d)],
    ['key', d.key ?? '(none)'],
  ];
  const headers = Object.entries(d.headers ?? {});
  const lines = [`Dead letter ${d.id} on ${service}`, ...rows.map(([k, v]) => `  ${k.padEnd(11)} ${v}`)];
  lines.push(`  headers     ${headers.length === 0 ? '(none)' : ''}`.trimEnd());
  for (const [name, value] of headers) lines.push(`    ${name}: ${value}`);
  lines.push(d.value === null ? '  value       (not recorded)' : `  value (${d.valueEncoding})`);
  if (d.value !== null) lines.push(d.value);
  return lines.join('\n');
}

/** `GET /ops/relay`: the outbox relay on the instance that answered. */
export interface RelayReport {
  running: boolean;
  active?: boolean;
  idle?: boolean;
  backlog?: number;
  lastError?: string;
}

/** `GET /ops/consumers`. */
export interface ConsumersReport {
  service: string;
  groups: Array<{
    consumer: string;
    groupId: string;
    lag: string;
    partitions: Array<{ topic: string; partition: number; committed: string | null; end: string; lag: string }>;
  }>;
}

export interface LagReport {
  service: ServiceName;
  relay: RelayReport;
  consumers: ConsumersReport['groups'];
}

function relayState(relay: RelayReport): string {
  if (!relay.running) return 'not running';
  const state = relay.active ? (relay.idle ? 'active, idle' : 'active, publishing') : 'standby (another instance publishes)';
  return relay.lastError ? `${state}; last error: ${relay.lastError}` : state;
}

export function formatLag(reports: LagReport[]): string {
  const summary = renderTable(
    ['SERVICE', 'RELAY', 'BACKLOG', 'GROUPS', 'CONSUMER LAG'],
    reports.map((r) => [
      r.service,
      relayState(r.relay),
      r.relay.backlog === undefined ? '-' : String(r.relay.backlog),
      String(r.consumers.length),
      r.consumers.reduce((sum, g) => sum + BigInt(g.lag), 0n).toString(),
    ]),
  );
  const all = reports.flatMap((r) => r.consumers.flatMap((g) => g.partitions.map((p) => ({ service: r.service, consumer: g.consumer, ...p }))));
  if (all.length === 0) return `${summary}\n\nNo consumer groups.`;
  // A partition nothing was ever written to says nothing about lag; six of them per topic would hide the ones that do.
  const written = all.filter((p) => p.end !== '0' || p.committed !== null);
  const hidden = all.length - written.length;
  const note = hidden > 0 ? `\n(${hidden} empty partition${hidden === 1 ? '' : 's'} not shown; --json lists them)` : '';
  if (written.length === 0) return `${summary}\n\nNothing written to any consumed partition yet.${note}`;
  const rows = written.map((p) => [p.service, p.consumer, p.topic, String(p.partition), p.committed ?? 'none', p.end, p.lag]);
  return `${summary}\n\n${renderTable(['SERVICE', 'CONSUMER', 'TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG'], rows)}${note}`;
}
