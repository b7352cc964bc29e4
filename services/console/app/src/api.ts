import { currentToken } from './session';

/*
 * Every call goes to the console host, `/api/<service>/…`, which forwards it with the token untouched. The
 * answer is sorted into what a page must say: the data, "sign in", "your role lacks access", "the service
 * cannot be reached", or the service's own 4xx reason.
 */

export type ServiceName = 'intake' | 'verification' | 'publication' | 'inventory';
export const SERVICE_NAMES: readonly ServiceName[] = ['intake', 'verification', 'publication', 'inventory'];

export interface FieldError {
  field: string;
  reason: string;
}

export type Outcome<T> =
  | { kind: 'ok'; status: number; body: T; response: Response }
  | { kind: 'unauthenticated'; status: 401; message: string }
  | { kind: 'forbidden'; status: 403; message: string }
  | { kind: 'unreachable'; service: ServiceName; message: string }
  | { kind: 'refused'; status: number; message: string; code: string | null; errors: FieldError[]; body: unknown }
  | { kind: 'failed'; status: number; message: string; body: unknown };

export interface CallOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** Keep the body unread (downloads): the caller reads `response`. */
  raw?: boolean;
}

export function apiUrl(service: ServiceName, path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const qs = params.toString();
  return `/api/${service}${path}${qs ? `?${qs}` : ''}`;
}

export async function call<T>(service: ServiceName, path: string, options: CallOptions = {}): Promise<Outcome<T>> {
  const token = currentToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(service, path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { kind: 'unreachable', service, message: 'the console host is not answering: is it still running?' };
  }
  if (response.ok && options.raw) return { kind: 'ok', status: response.status, body: undefined as T, response };
  const body = await readBody(response);
  return classify<T>(service, response, body, response);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  }
  return text;
}

export function classify<T>(service: ServiceName, response: Pick<Response, 'status' | 'ok'>, body: unknown, original?: Response): Outcome<T> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; code?: unknown; errors?: unknown };
  const message = Array.isArray(b.message) ? b.message.join('; ') : typeof b.message === 'string' ? b.message : typeof body === 'string' && body ? body.slice(0, 300) : '';
  const status = response.status;
  if (response.ok) return { kind: 'ok', status, body: body as T, response: original as Response };
  if (status === 401) return { kind: 'unauthenticated', status, message };
  if (status === 403) return { kind: 'forbidden', status, message };
  if (b.code === 'UPSTREAM_UNREACHABLE' || status === 502 || status === 504) return { kind: 'unreachable', service, message: message || `${service} is not answering` };
  const errors = Array.isArray(b.errors) ? b.errors.filter((e): e is FieldError => typeof e === 'object' && e !== null && 'field' in e && 'reason' in e) : [];
  if (status >= 400 && status < 500) return { kind: 'refused', status, message, code: typeof b.code === 'string' ? b.code : null, errors, body };
  return { kind: 'failed', status, message, body };
}
