/*
 * Sign-in is a pasted bearer token, kept in sessionStorage (gone when the tab closes) and sent by the app as
 * `Authorization: Bearer …` through the console host, which keeps nothing. The payload is decoded only to show
 * who is signed in and which actions to offer: the services verify the token on every request.
 */

const STORAGE_KEY = 'smi-console-token';

export interface Claims {
  sub: string;
  party: string;
  partyType: string;
  roles: string[];
  exp: number | null;
}

export type Decoded = { ok: true; token: string; claims: Claims } | { ok: false; reason: string };

function base64UrlDecode(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** Reads a pasted token: "Bearer " and surrounding space are dropped; the payload must name a party and its type. */
export function decodeToken(pasted: string): Decoded {
  const token = pasted.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, reason: 'this is not a JWT: three base64url parts separated by dots' };
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    return { ok: false, reason: 'the token’s payload is not readable JSON' };
  }
  if (typeof payload !== 'object' || payload === null) return { ok: false, reason: 'the token’s payload is not an object' };
  const p = payload as Record<string, unknown>;
  if (typeof p.party !== 'string' || typeof p.partyType !== 'string') return { ok: false, reason: 'the token names no party and party type (claims party, partyType)' };
  const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    ok: true,
    token,
    claims: { sub: typeof p.sub === 'string' ? p.sub : '', party: p.party, partyType: p.partyType, roles, exp: typeof p.exp === 'number' ? p.exp : null },
  };
}

export function currentToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function currentClaims(): Claims | null {
  const token = currentToken();
  if (token === null) return null;
  const decoded = decodeToken(token);
  return decoded.ok ? decoded.claims : null;
}

export function signIn(pasted: string): Decoded {
  const decoded = decodeToken(pasted);
  if (decoded.ok) sessionStorage.setItem(STORAGE_KEY, decoded.token);
  return decoded;
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function isExpired(claims: Claims, now = Date.now()): boolean {
  return claims.exp !== null && claims.exp * 1000 <= now;
}
