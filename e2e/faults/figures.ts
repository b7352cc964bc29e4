// What each scenario reports, the table printed at the end and kept in docs/reliability.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultSystem, OwnKafka, OwnPostgres } from './infra';

export interface Figures {
  scenario: string;
  /** Requests, messages or rows the clients sent. */
  sent: number;
  /** Of those, how many got their answer (HTTP 200/201, a response message, a completed row). */
  answered: number;
  /** Events (or read-model rows) stored for them. */
  stored: number;
  /** Of the stored events, how many reached their topic. */
  published: number;
  /** Sent but never answered or stored, or stored but never published. Must be 0. */
  lost: number;
  /** Applied more than once (an event type stored twice for one request, or two different answers). Must be 0. */
  duplicated: number;
  /** From the fault to the moment everything sent was accounted for. */
  recoverySeconds: number;
  notes: string[];
}

export interface ScenarioContext {
  postgres: OwnPostgres;
  kafka: OwnKafka;
  scale: number;
  /** Builds the scenario's own system (databases and topics under a prefix of its own). */
  system(): FaultSystem;
}

export interface Scenario {
  name: string;
  run(context: ScenarioContext): Promise<Figures>;
}

const COLUMNS = ['scenario', 'sent', 'answered', 'stored', 'published', 'lost', 'duplicated', 'recovery s'];

export function table(rows: Figures[]): string {
  const lines = rows.map((f) => [f.scenario, f.sent, f.answered, f.stored, f.published, f.lost, f.duplicated, f.recoverySeconds.toFixed(1)].map(String));
  return [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map((c, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

const START = '<!-- faults:figures:start -->';
const END = '<!-- faults:figures:end -->';

/** Replaces the figures section of docs/reliability.md (between its markers) with this run's table. */
export function recordInDocs(repoRoot: string, rows: Figures[], command: string, seconds: number): void {
  const file = join(repoRoot, 'docs', 'reliability.md');
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < 0) throw new Error(`${file} has no ${START} … ${END} section`);
  const section = [
    START,
    `Run on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` (${seconds.toFixed(0)} s in all):`,
    '',
    table(rows),
    END,
  ].join('\n');
  writeFileSync(file, text.slice(0, from) + section + text.slice(to + END.length));
}
