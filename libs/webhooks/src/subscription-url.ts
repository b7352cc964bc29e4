import { isIP } from 'node:net';

/**
 * Why a subscriber's URL is refused, or null. Deliveries carry data and a signature, so they go over TLS only; plain
 * http is allowed to a loopback address alone and only when the service says so (tests, a local receiver). A URL with
 * credentials is refused: they would sit in the database and in every log line that names the URL.
 */
export function urlProblem(raw: string, allowLoopbackHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials (user or password)';
  if (url.hash !== '') return 'must not have a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    if (!allowLoopbackHttp) return 'must be https';
    return isLoopback(url.hostname) ? null : 'must be https (plain http is allowed only to a loopback address)';
  }
  return 'must be https';
}

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}
