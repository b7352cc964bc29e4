import { SingleBar } from 'cli-progress';
import { parseOpsArgs, USAGE, type OpsCommand, type OpsSettings } from './args';
import { OpsFailure, OpsUsageError } from './errors';
import { formatHistory, formatTrace, mergeTrace, type AuditEvent, type StreamHistory } from './events';
import { OpsHttp } from './http';
import { formatDeadLetter, formatDeadLetters, formatLag, type ConsumersReport, type DeadLetter, type DeadLetterSummary, type LagReport, type RelayReport } from './queues';
import { SERVICE_NAMES, type ServiceName } from './services';
import { readableTime } from './table';

/** Where the CLI reads and writes: the process's in production, captured in tests. */
export interface OpsIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  fetch?: typeof fetch;
  /** How long between two looks at a rebuild's progress. */
  pollMs?: number;
}

interface RebuildProgress {
  rebuilding: boolean;
  table?: string;
  processed: number;
  total: number;
  percent: number;
}

/** Runs one command line; resolves to the exit code (0 done, 1 failed, 2 usage). Never throws for expected failures. */
export async function runOps(argv: string[], io: OpsIo): Promise<number> {
  let parsed;
  try {
    parsed = parseOpsArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof OpsUsageError)) throw error;
    io.stderr.write(`ops: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.command.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const http = new OpsHttp({ urls: parsed.settings.urls, token: parsed.settings.token, timeoutMs: parsed.settings.timeoutMs, fetch: io.fetch });
  try {
    return await execute(parsed.command, parsed.settings, http, io);
  } catch (error) {
    if (!(error instanceof OpsFailure)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 1;
  }
}

async function execute(command: Exclude<OpsCommand, { kind: 'help' }>, settings: OpsSettings, http: OpsHttp, io: OpsIo): Promise<number> {
  const print = (human: () => string, json: unknown) => io.stdout.write(`${settings.json ? JSON.stringify(json, null, 2) : human()}\n`);
  const enc = encodeURIComponent;
  switch (command.kind) {
    case 'trace': {
      const correlated = (id: string) => (service: ServiceName) =>
        http.get<{ events: AuditEvent[] }>(service, `/audit/correlations/${enc(id)}`).then((body) => ({ service, url: http.url(service), events: body.events }));
      // A RequestID also names the stream of its answer on the inventory; a request that came over HTTP is
      // recorded under its HTTP request id, which that stream's events carry: trace those too.
      const first = await everyService(http, SERVICE_NAMES, async (service) => {
        const [answer, answerStream] = await Promise.all([
          correlated(command.id)(service),
          service === 'inventory' ? http.get<StreamHistory>(service, `/audit/streams/${enc(`service-request-${command.id}`)}`) : undefined,
        ]);
        return { answer, correlationIds: answerStream?.events.map((e) => e.metadata?.correlationId) ?? [] };
      });
      const answers = first.map((f) => f.answer);
      const aliases = [...new Set(first.flatMap((f) => f.correlationIds).filter((c): c is string => !!c && c !== command.id))];
      for (const alias of aliases) answers.push(...(await everyService(http, SERVICE_NAMES, correlated(alias))));
      const trace = mergeTrace(command.id, answers, aliases);
      print(() => formatTrace(trace), trace);
      return 0;
    }
    case 'history': {
      const query = command.asOf ? `?asOf=${enc(command.asOf)}` : '';
      const history = await http.get<StreamHistory>(command.service, `/audit/streams/${enc(command.streamId)}${query}`);
      print(() => formatHistory(command.service, history), { service: command.service, ...history });
      return 0;
    }
    case 'rebuild':
      return rebuild(command, settings, http, io);
    case 'rewind': {
      const body = await http.post<{ rewoundTo: { transactionId: string; position: string } }>(command.service, '/ops/relay/rewind', { fromPosition: command.fromPosition });
      print(
        () =>
          `${command.service}: relay rewound; every event from position ${command.fromPosition} on is published again in commit order ` +
          `(checkpoint now position ${body.rewoundTo.position}, transaction ${body.rewoundTo.transactionId}; consumers drop repeats).`,
        { service: command.service, fromPosition: command.fromPosition, rewoundTo: body.rewoundTo },
      );
      return 0;
    }
    case 'dlq-list': {
      const body = await http.get<{ deadLetters: DeadLetterSummary[] }>(command.service, `/ops/dead-letters${command.pending ? '?pending=true' : ''}`);
      print(() => formatDeadLetters(command.service, body.deadLetters), { service: command.service, deadLetters: body.deadLetters });
      return 0;
    }
    case 'dlq-show': {
      const deadLetter = await http.get<DeadLetter>(command.service, `/ops/dead-letters/${command.id}`);
      print(() => formatDeadLetter(command.service, deadLetter), { service: command.service, deadLetter });
      return 0;
    }
    case 'dlq-replay':
      return replay(command, settings, http, io);
    case 'lag': {
      const reports = await everyService(http, command.services, async (service): Promise<LagReport> => {
        const [relay, consumers] = await Promise.all([http.get<RelayReport>(service, '/ops/relay'), http.get<ConsumersReport>(service, '/ops/consumers')]);
        return { service, relay, consumers: consumers.groups };
      });
      print(() => formatLag(reports), { services: reports });
      return 0;
    }
  }
}

/**
 * Asks every service, and fails as a whole if any one cannot answer: a trace or lag report missing a service
 * would look complete when it is not. All failures go in the one line.
 */
async function everyService<T>(http: OpsHttp, services: readonly ServiceName[], ask: (service: ServiceName) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(services.map(ask));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  for (const failure of failures) if (!(failure instanceof OpsFailure)) throw failure;
  if (failures.length > 0) throw new OpsFailure((failures as OpsFailure[]).map((f) => f.message).join('; '));
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function rebuild(command: Extract<OpsCommand, { kind: 'rebuild' }>, settings: OpsSettings, http: OpsHttp, io: OpsIo): Promise<number> {
  const { service, projection } = command;
  const path = `/ops/projections/${encodeURIComponent(projection)}/rebuild`;
  const { rebuilding: table } = await http.post<{ rebuilding: string }>(service, path);
  const deadline = Date.now() + command.waitMs;
  const bar = !settings.json && io.stderr.isTTY ? new SingleBar({ stream: io.stderr, format: `${service} ${projection} [{bar}] {percentage}% | {value}/{total} events`, hideCursor: true }) : undefined;
  let shown = '';
  bar?.start(1, 0);
  try {
    for (;;) {
      const progress = await http.get<RebuildProgress>(service, path);
      if (bar) {
        bar.setTotal(Math.max(progress.total, progress.processed, 1));
        bar.update(progress.processed);
      } else if (!settings.json) {
        // A log or CI has no cursor to move: one plain line whenever the count moves.
        const line = `rebuilding ${projection} on ${service}: ${progress.processed}/${progress.total} events (${progress.percent}%)`;
        if (line !== shown) io.stdout.write(`${line}\n`);
        shown = line;
      }
      if (!progress.rebuilding) {
        bar?.stop();
        if (progress.table !== table) {
          throw new OpsFailure(`${service}: the rebuild of ${projection} into ${table} ended without switching to it (reads use ${progress.table ?? 'no table'}); see GET /ops/projections`);
        }
        const result = { service, projection, table, processed: progress.processed };
        io.stdout.write(`${settings.json ? JSON.stringify(result, null, 2) : `${projection} on ${service} rebuilt into ${table} from ${progress.processed} event${progress.processed === 1 ? '' : 's'}; reads now use it.`}\n`);
        return 0;
      }
      if (Date.now() > deadline) {
        throw new OpsFailure(
          `${service}: the rebuild of ${projection} had not caught up after ${command.waitMs / 1000} s (${progress.processed}/${progress.total} events); it goes on in the service, follow it with GET ${path}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 250));
    }
  } finally {
    bar?.stop();
  }
}

async function replay(command: Extract<OpsCommand, { kind: 'dlq-replay' }>, settings: OpsSettings, http: OpsHttp, io: OpsIo): Promise<number> {
  const { service } = command;
  const ids =
    command.id === 'all'
      ? (await http.get<{ deadLetters: DeadLetterSummary[] }>(service, '/ops/dead-letters?pending=true&limit=1000')).deadLetters
          .filter((d) => d.replayable)
          .map((d) => d.id)
          .reverse()
      : [command.id];
  const replayed: DeadLetter[] = [];
  const failed: Array<{ id: string; error: string }> = [];
  for (const id of ids) {
    try {
      const done = await http.post<DeadLetter>(service, `/ops/dead-letters/${id}/replay`);
      replayed.push(done);
      if (!settings.json) io.stdout.write(`replayed dead letter ${id} on ${service} to ${done.topic} (key ${done.key ?? 'none'}) at ${readableTime(done.replayedAt)} UTC\n`);
    } catch (error) {
      // One message refused must not stop --all from replaying the rest; a single id fails the command at once.
      if (!(error instanceof OpsFailure) || command.id !== 'all') throw error;
      failed.push({ id, error: error.message });
      io.stderr.write(`${error.message}\n`);
    }
  }
  if (settings.json) io.stdout.write(`${JSON.stringify({ service, replayed, failed }, null, 2)}\n`);
  else if (command.id === 'all' && ids.length === 0) io.stdout.write(`No dead letters to replay on ${service}.\n`);
  return failed.length > 0 ? 1 : 0;
}
