import { createHash } from 'node:crypto';

export interface Representation {
  body: string;
  etag: string;
}

/**
 * The glossary as served: serialised once, with a strong ETag over the exact bytes, so a client that
 * already holds this version revalidates with If-None-Match and gets a 304 without the body.
 */
export function representationOf(document: unknown): Representation {
  const body = JSON.stringify(document);
  const digest = createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 27);
  return { body, etag: `"${digest}"` };
}

/**
 * RFC 9110 If-None-Match: a list of entity tags or `*`, compared weakly (W/ prefixes ignored).
 * True when the client's copy is current and a 304 is the answer.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((candidate) => candidate.trim() === '*' || opaque(candidate) === wanted);
}
