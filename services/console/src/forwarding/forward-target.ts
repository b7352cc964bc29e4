/*
 * The host's forwarding rules, kept pure so that they are tested on their own (forward-target.spec.ts):
 * `/api/<service>/<path>?<query>` goes to `<service's base URL>/<path>?<query>` for one of the four services
 * configured, and nothing else is forwarded. The path may not climb out of the base URL (no `.` or `..`
 * segment, written plainly or percent-encoded, and no encoded slash or backslash that a server could read as
 * one), so the console cannot be used to reach anything but the four APIs.
 */

export const FORWARDED_SERVICES = ['intake', 'verification', 'publication', 'inventory'] as const;
export type ForwardedService = (typeof FORWARDED_SERVICES)[number];

/** Each service's base URL, e.g. `http://127.0.0.1:3002`. */
export type Upstreams = Readonly<Record<ForwardedService, string>>;

export const API_PREFIX = '/api/';

export type ForwardTarget =
  | { kind: 'forward'; service: ForwardedService; base: string; path: string }
  | { kind: 'refuse'; status: 400 | 404; reason: string };

function isForwardedService(name: string): name is ForwardedService {
  return (FORWARDED_SERVICES as readonly string[]).includes(name);
}

/**
 * Where a request for `rawUrl` (the request line's target, still percent-encoded) goes. `path` is the base
 * URL's own path followed by the request's path after `/api/<service>`, still encoded as the browser sent it:
 * the service decodes it once, as it would a direct request. The query string is left to the proxy, which
 * passes it through unchanged.
 */
export function forwardTarget(rawUrl: string, upstreams: Upstreams): ForwardTarget {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
  if (!rawPath.startsWith(API_PREFIX)) return { kind: 'refuse', status: 404, reason: 'only /api/<service>/… is forwarded' };
  const rest = rawPath.slice(API_PREFIX.length);
  const slash = rest.indexOf('/');
  const service = slash >= 0 ? rest.slice(0, slash) : rest;
  if (!isForwardedService(service)) {
    return { kind: 'refuse', status: 404, reason: `no service named ${JSON.stringify(service.slice(0, 40))}: the console forwards to ${FORWARDED_SERVICES.join(', ')}` };
  }
  const path = slash >= 0 ? rest.slice(slash) : '/';
  const problem = pathProblem(path);
  if (problem !== null) return { kind: 'refuse', status: 400, reason: problem };
  const base = new URL(upstreams[service]);
  const basePath = base.pathname.replace(/\/+$/, '');
  return { kind: 'forward', service, base: base.origin, path: `${basePath}${path}` };
}

/** Why the path may not be forwarded, or `null`. */
export function pathProblem(path: string): string | null {
  if (path.includes('\\')) return 'the path may not contain a backslash';
  if (path.includes('//')) return 'the path may not contain an empty segment (//)';
  for (const segment of path.split('/').slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'the path is not valid percent-encoding';
    }
    if (decoded === '.' || decoded === '..') return 'the path may not contain . or .. segments';
    if (decoded.includes('/') || decoded.includes('\\')) return 'the path may not contain an encoded slash or backslash';
    if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'the path may not contain control characters';
  }
  return null;
}
