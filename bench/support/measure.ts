import { Presets, SingleBar } from 'cli-progress';
import { performance } from 'node:perf_hooks';

export interface PhaseResult {
  label: string;
  events: number;
  seconds: number;
  note?: string;
  /** CPU per event of the phase, where the bench measured it: its own process and PostgreSQL's backends. */
  cpuMicrosPerEvent?: { process: number; postgres: number };
}

export function rate(result: Pick<PhaseResult, 'events' | 'seconds'>): number {
  return result.events / result.seconds;
}

/**
 * Runs a timed phase with a progress bar on stderr (drawn only on a terminal; elsewhere one line at the end).
 * Only `run` is timed; `advance` reports progress and costs next to nothing (the bar redraws at most 10 times a second).
 */
export async function timed(label: string, total: number, run: (advance: (n?: number) => void) => Promise<void>, note?: string): Promise<PhaseResult> {
  const bar = new SingleBar(
    { format: `${label.padEnd(44)} [{bar}] {value}/{total} {perSecond}/s`, hideCursor: true, fps: 10, barsize: 30 },
    Presets.shades_classic,
  );
  let done = 0;
  const started = performance.now();
  bar.start(total, 0, { perSecond: 0 });
  const advance = (n = 1) => {
    done += n;
    bar.update(done, { perSecond: Math.round(done / ((performance.now() - started) / 1000)) });
  };
  try {
    await run(advance);
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`${label}: ${total} in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)}/s\n`);
  return { label, events: total, seconds, note };
}

/** Runs `count` jobs with at most `concurrency` at a time, in index order. */
export async function pool(count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let index = next++; index < count; index = next++) await job(index);
    }),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** A plain-text table (also valid Markdown), so it can be pasted into bench/README.md as printed. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
