import { parseArgs } from 'node:util';
import { OpsUsageError } from './errors';
import { DEFAULT_URLS, isServiceName, SERVICE_NAMES, urlVariable, type ServiceName } from './services';

export const USAGE = `Usage: npm run ops -- <command> [options]

Commands:
  trace <correlationId|RequestID>             every event of one request on all four services, in time order
  history <service> <streamId> [--as-of <ISO instant>]
                                              a stream's events (as they stood at an instant)
  rebuild <service> <projection> [--wait <seconds>]
                                              rebuild a read model and wait until reads use the new table
  rewind <service> --from <position>          re-publish the service's events from a global position on
  dlq list <service> [--pending]              dead letters, newest first (--pending: not replayed yet)
  dlq show <service> <id>                     one dead letter with its message and error
  dlq replay <service> <id> | --all           produce dead letter(s) back to their source topic, once each
  lag [<service>...]                          relay backlog and consumer lag per group and partition

Services: ${SERVICE_NAMES.join(', ')}.
Options:
  --token <jwt>              DCC token (default: $SMI_TOKEN); rebuild, rewind and dlq replay need the operator role
  --url <service>=<url>      a service's base URL (repeatable; default $SMI_<SERVICE>_URL, else ${DEFAULT_URLS.intake} .. :3004)
  --json                     one JSON document on stdout instead of tables
  --timeout <seconds>        per HTTP request (default 10)
  -h, --help                 this text

A token: npm run -s token -- --sub <your id> --party DCC --party-type dcc --roles operator`;

export type OpsCommand =
  | { kind: 'help' }
  | { kind: 'trace'; id: string }
  | { kind: 'history'; service: ServiceName; streamId: string; asOf?: string }
  | { kind: 'rebuild'; service: ServiceName; projection: string; waitMs: number }
  | { kind: 'rewind'; service: ServiceName; fromPosition: string }
  | { kind: 'dlq-list'; service: ServiceName; pending: boolean }
  | { kind: 'dlq-show'; service: ServiceName; id: string }
  | { kind: 'dlq-replay'; service: ServiceName; id: string | 'all' }
  | { kind: 'lag'; services: ServiceName[] };

export interface OpsSettings {
  json: boolean;
  token: string;
  urls: Record<ServiceName, string>;
  timeoutMs: number;
}

export interface ParsedOps {
  command: OpsCommand;
  settings: OpsSettings;
}

const OPTIONS = {
  token: { type: 'string' },
  url: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'as-of': { type: 'string' },
  from: { type: 'string' },
  wait: { type: 'string' },
  all: { type: 'boolean' },
  pending: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;
const GLOBAL: OptionName[] = ['token', 'url', 'json', 'timeout', 'help'];
/** Options that belong to one command only: given to another, they are a mistake worth saying. */
const OWN: Record<string, OptionName[]> = {
  history: ['as-of'],
  rebuild: ['wait'],
  rewind: ['from'],
  'dlq list': ['pending'],
  'dlq replay': ['all'],
};

const POSITION = /^[1-9][0-9]{0,18}$/;
const DEFAULT_TIMEOUT_S = 10;
const DEFAULT_REBUILD_WAIT_S = 600;

/** Parses the command line against the environment ($SMI_TOKEN, $SMI_<SERVICE>_URL); throws OpsUsageError naming the problem. */
export function parseOpsArgs(argv: string[], env: Record<string, string | undefined>): ParsedOps {
  let values: { [K in OptionName]?: K extends 'url' ? string[] : string | boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }) as {
      values: typeof values;
      positionals: string[];
    });
  } catch (error) {
    throw new OpsUsageError((error as Error).message);
  }
  const urls = resolveUrls((values.url as string[] | undefined) ?? [], env);
  const timeoutMs = seconds(values.timeout as string | undefined, '--timeout', DEFAULT_TIMEOUT_S);
  if (values.help || positionals.length === 0) {
    return { command: { kind: 'help' }, settings: { json: false, token: '', urls, timeoutMs } };
  }

  const [name, ...rest] = positionals;
  const commandName = name === 'dlq' && rest.length > 0 ? `dlq ${rest[0]}` : name;
  const allowed = new Set<OptionName>([...GLOBAL, ...(OWN[commandName] ?? [])]);
  for (const option of Object.keys(values) as OptionName[]) {
    if (!allowed.has(option)) throw new OpsUsageError(`--${option} does not apply to ${commandName}`);
  }
  const command = parseCommand(name, rest, values as Record<string, string | boolean | undefined>);

  const token = (values.token as string | undefined) ?? env.SMI_TOKEN;
  if (!token) throw new OpsUsageError('no token: pass --token or set SMI_TOKEN (mint one with npm run token, below)');
  return { command, settings: { json: values.json === true, token, urls, timeoutMs } };
}

function parseCommand(name: string, args: string[], values: Record<string, string | boolean | undefined>): OpsCommand {
  switch (name) {
    case 'trace': {
      const [id] = exactly(args, 1, 'trace <correlationId|RequestID>');
      return { kind: 'trace', id };
    }
    case 'history': {
      const [service, streamId] = exactly(args, 2, 'history <service> <streamId>');
      const asOf = values['as-of'] as string | undefined;
      if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(asOf)) throw new OpsUsageError(`--as-of "${asOf}" must be an ISO 8601 instant, e.g. 2026-12-05T09:30:00Z`);
      return { kind: 'history', service: serviceArg(service), streamId, ...(asOf ? { asOf } : {}) };
    }
    case 'rebuild': {
      const [service, projection] = exactly(args, 2, 'rebuild <service> <projection>');
      return { kind: 'rebuild', service: serviceArg(service), projection, waitMs: seconds(values.wait as string | undefined, '--wait', DEFAULT_REBUILD_WAIT_S) };
    }
    case 'rewind': {
      const [service] = exactly(args, 1, 'rewind <service> --from <position>');
      const from = values.from as string | undefined;
      if (from === undefined) throw new OpsUsageError('rewind needs --from <position>');
      if (!POSITION.test(from)) throw new OpsUsageError(`--from "${from}" must be a positive integer (a global event position)`);
      return { kind: 'rewind', service: serviceArg(service), fromPosition: from };
    }
    case 'dlq':
      return parseDlq(args, values);
    case 'lag':
      return { kind: 'lag', services: args.length === 0 ? [...SERVICE_NAMES] : [...new Set(args.map(serviceArg))] };
    default:
      throw new OpsUsageError(`unknown command "${name}"`);
  }
}

function parseDlq(args: string[], values: Record<string, string | boolean | undefined>): OpsCommand {
  const [action, ...rest] = args;
  switch (action) {
    case 'list': {
      const [service] = exactly(rest, 1, 'dlq list <service>');
      return { kind: 'dlq-list', service: serviceArg(service), pending: values.pending === true };
    }
    case 'show': {
      const [service, id] = exactly(rest, 2, 'dlq show <service> <id>');
      return { kind: 'dlq-show', service: serviceArg(service), id: deadLetterId(id) };
    }
    case 'replay': {
      if (values.all) {
        const [service] = exactly(rest, 1, 'dlq replay <service> --all (no id with --all)');
        return { kind: 'dlq-replay', service: serviceArg(service), id: 'all' };
      }
      const [service, id] = exactly(rest, 2, 'dlq replay <service> <id|--all>');
      return { kind: 'dlq-replay', service: serviceArg(service), id: deadLetterId(id) };
    }
    case undefined:
      throw new OpsUsageError('dlq needs list, show or replay');
    default:
      throw new OpsUsageError(`unknown dlq action "${action}" (expected list, show or replay)`);
  }
}

function exactly(args: string[], count: number, form: string): string[] {
  if (args.length !== count) throw new OpsUsageError(`expected ${form}; got ${args.length === 0 ? 'nothing' : args.map((a) => `"${a}"`).join(' ')}`);
  return args;
}

function serviceArg(value: string): ServiceName {
  if (!isServiceName(value)) throw new OpsUsageError(`unknown service "${value}" (expected one of ${SERVICE_NAMES.join(', ')})`);
  return value;
}

function deadLetterId(value: string): string {
  if (!POSITION.test(value)) throw new OpsUsageError(`dead letter id "${value}" must be a positive integer (see dlq list)`);
  return value;
}

function seconds(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new OpsUsageError(`${option} "${value}" must be a positive number of seconds`);
  return Number(value) * 1000;
}

/** --url beats $SMI_<SERVICE>_URL beats the local default. */
export function resolveUrls(options: string[], env: Record<string, string | undefined>): Record<ServiceName, string> {
  const urls = { ...DEFAULT_URLS };
  for (const service of SERVICE_NAMES) {
    const fromEnv = env[urlVariable(service)];
    if (fromEnv) urls[service] = baseUrl(fromEnv, urlVariable(service));
  }
  for (const option of options) {
    const at = option.indexOf('=');
    const service = at > 0 ? option.slice(0, at) : '';
    if (!isServiceName(service)) throw new OpsUsageError(`--url "${option}" must be <service>=<url> with a service among ${SERVICE_NAMES.join(', ')}`);
    urls[service] = baseUrl(option.slice(at + 1), `--url ${service}`);
  }
  return urls;
}

function baseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OpsUsageError(`${source} "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OpsUsageError(`${source} "${value}" must be http or https`);
  return url.toString().replace(/\/+$/, '');
}
