/**
 * The key for locally signed (HS256) tokens. The length rule matches AUTH_LOCAL_SECRET in CommonSettings:
 * a short shared secret could be brute-forced from any token it signed.
 */
export function localSigningKey(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error('the local signing secret must be at least 32 characters');
  return new TextEncoder().encode(secret);
}
