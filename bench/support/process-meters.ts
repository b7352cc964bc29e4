// What a phase cost a service measured from the outside: CPU seconds of the service process and of the PostgreSQL
// backends of its database, and its peak resident memory. Shared by the benches that run a compiled service.
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { fmt } from './measure';
import { cpuSeconds, memoryKb, serverUrl } from './system-under-test';

/** Connections a bench opens itself carry this application_name, so their backends are not counted as the service's. */
export const BENCH_APPLICATION_NAME = 'bench';

/**
 * Peak resident memory of a phase: the kernel's high-water mark (VmHWM), reset at the start of the phase through
 * /proc/<pid>/clear_refs, and a 100 ms RSS sample as a cross-check where the reset is not allowed.
 */
export class PeakMemory {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;
  readonly resetWorked: boolean;

  constructor(private readonly pid: number) {
    let reset = true;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      reset = false;
    }
    this.resetWorked = reset;
    this.timer = setInterval(() => {
      const rss = memoryKb(pid, 'VmRSS');
      if (Number.isFinite(rss)) this.peakKb = Math.max(this.peakKb, rss);
    }, 100);
  }

  stop(): { hwmMb: number; sampledMb: number } {
    clearInterval(this.timer);
    this.peakKb = Math.max(this.peakKb, memoryKb(this.pid, 'VmRSS'));
    return { hwmMb: memoryKb(this.pid, 'VmHWM') / 1024, sampledMb: this.peakKb / 1024 };
  }
}

/**
 * CPU used during a phase by the service process and by the PostgreSQL backends serving its database: a measure
 * of cost per command that other work on the machine disturbs far less than elapsed time does. Backends are
 * sampled every 500 ms, so one that the pool closes during the phase still counts up to its last sample. The
 * bench's own connections (application_name `bench`) are left out.
 */
export class CpuMeter {
  private readonly service: number;
  /** Per backend pid: CPU seconds when first seen, and at the last sample. */
  private readonly backends = new Map<number, { first: number; last: number }>();
  private readonly client = new Client({ connectionString: serverUrl, application_name: BENCH_APPLICATION_NAME });
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly pid: number,
    private readonly databaseName: string,
  ) {
    this.service = cpuSeconds(pid);
  }

  static async start(pid: number, databaseName: string): Promise<CpuMeter> {
    const meter = new CpuMeter(pid, databaseName);
    await meter.client.connect();
    await meter.sample(true);
    meter.timer = setInterval(() => void meter.sample(false).catch(() => undefined), 500);
    return meter;
  }

  private async sample(initial: boolean): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM $2`,
      [this.databaseName, BENCH_APPLICATION_NAME],
    );
    for (const { pid } of rows) {
      const used = cpuSeconds(pid);
      const known = this.backends.get(pid);
      if (known) known.last = Math.max(known.last, used);
      else this.backends.set(pid, { first: initial ? used : 0, last: used });
    }
  }

  async stop(): Promise<{ service: number; postgres: number }> {
    clearInterval(this.timer);
    await this.sample(false);
    await this.client.end();
    let postgres = 0;
    for (const { first, last } of this.backends.values()) postgres += last - first;
    return { service: cpuSeconds(this.pid) - this.service, postgres };
  }
}

/** CPU seconds spent on `units` units of work, per unit in µs. */
export const perUnit = (seconds: number, units: number) => `${fmt((seconds * 1e6) / units)} µs`;
