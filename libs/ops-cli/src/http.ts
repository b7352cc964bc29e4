import { OpsFailure } from './errors';
import type { ServiceName } from './services';

export interface OpsHttpOptions {
  urls: Record<ServiceName, string>;
  token: string;
  /** Per request. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * The services' operator endpoints over HTTP. Every failure becomes an OpsFailure whose message is the one line
 * an operator needs: which service, at which address, and what went wrong.
 */
export class OpsHttp {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: OpsHttpOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  url(service: ServiceName): string {
    return this.options.urls[service];
  }

  get<T>(service: ServiceName, path: string): Promise<T> {
    return this.request<T>(service, 'GET', path);
  }

  post<T>(service: ServiceName, path: string, body?: unknown): Promise<T> {
    return this.request<T>(service, 'POST', path, body);
  }

  private async request<T>(service: ServiceName, method: string, path: string, body?: unknown): Promise<T> {
    const base = this.url(service);
    let response: Response;
    try {
      response = await this.fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new OpsFailure(unreachable(service, base, error, this.options.timeoutMs));
    }
    const text = await response.text().catch(() => '');
    const parsed = parseJson(text);
    if (response.status === 401 || response.status === 403) {
      throw new OpsFailure(`${service} refused the token: ${reasonOf(parsed, text, response)}`);
    }
    if (!response.ok) throw new OpsFailure(`${service} answered ${response.status} to ${method} ${path}: ${reasonOf(parsed, text, response)}`);
    if (parsed === undefined) throw new OpsFailure(`${service} answered ${method} ${path} with something other than JSON (is ${base} really ${service}?)`);
    return parsed as T;
  }
}

export function unreachable(service: ServiceName, base: string, error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `${service} did not answer within ${timeoutMs / 1000} s at ${base}`;
  // undici says only "fetch failed"; the reason (connect ECONNREFUSED ..., getaddrinfo ENOTFOUND ...) is the cause.
  const reason = e?.cause?.message || e?.cause?.code || e?.message || String(error);
  return `${service} unreachable at ${base}: ${reason}`;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The services answer errors as `{ statusCode, message, errors? }`; message may be a list (validation). */
function reasonOf(parsed: unknown, text: string, response: Response): string {
  const message = (parsed as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string' && message) return message;
  return oneLine(text) || response.statusText || `HTTP ${response.status}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
