import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import { isPartyType, PARTY_TYPES, type Actor } from './actor';
import { localSigningKey } from './local-key';

export interface JwtVerifierOptions {
  /** JWKS endpoint of the identity provider. When set, tokens must be signed with one of its keys. */
  jwksUrl?: string;
  /** Shared HS256 secret, used only when jwksUrl is absent; refused in production. */
  localSecret?: string;
  issuer: string;
  audience: string;
  nodeEnv: string;
}

/** A token that must not be trusted. `reason` is safe to return to the caller. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

// Pinning the algorithms per mode stops a token from choosing how it is checked (e.g. HS256 signed with a
// public key). Asymmetric only for the identity provider: it never shares a secret with us.
const REMOTE_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const LOCAL_ALGORITHMS = ['HS256'];

// jose raises these when the key set cannot be fetched: the identity provider is at fault, not the token.
const KEY_SET_UNAVAILABLE = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/**
 * Turns a bearer token into an Actor, or throws TokenRejectedError saying why not. Other errors mean the
 * identity provider's keys could not be obtained, which is no reason to blame the caller.
 */
/**
 * Tokens already verified, by their exact text, until they expire: a client sends the same token with every request
 * for its lifetime, and checking its signature again (jose's HMAC runs as an asynchronous WebCrypto job) was a
 * visible share of a search's CPU. Only tokens that passed every check are kept, each no longer than its `exp`, and
 * the cache is bounded; a token that fails is checked, and refused, every time.
 */
const VERIFIED_TOKENS_KEPT = 10_000;

export class JwtVerifier {
  private readonly checkSignatureAndClaims: (token: string) => Promise<JWTPayload>;
  private readonly verified = new LRUCache<string, { actor: Actor; expiresAtMs: number }>({ max: VERIFIED_TOKENS_KEPT });

  constructor(private readonly options: JwtVerifierOptions) {
    const common: JWTVerifyOptions = {
      issuer: options.issuer,
      audience: options.audience,
      // A token without an expiry would be valid forever once leaked.
      requiredClaims: ['exp'],
    };
    if (options.jwksUrl) {
      const keySet = createRemoteJWKSet(new URL(options.jwksUrl));
      const verifyOptions = { ...common, algorithms: REMOTE_ALGORITHMS };
      this.checkSignatureAndClaims = async (token) => (await jwtVerify(token, keySet, verifyOptions)).payload;
    } else {
      // Anyone holding the shared secret can mint any identity, so production must use the identity provider.
      if (options.nodeEnv === 'production') {
        throw new Error('AUTH_JWKS_URL is required in production: locally signed tokens are refused');
      }
      if (!options.localSecret) throw new Error('either AUTH_JWKS_URL or AUTH_LOCAL_SECRET must be set');
      const key = localSigningKey(options.localSecret);
      const verifyOptions = { ...common, algorithms: LOCAL_ALGORITHMS };
      this.checkSignatureAndClaims = async (token) => (await jwtVerify(token, key, verifyOptions)).payload;
    }
  }

  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    // Checked against the clock here, as jose checks `exp`: the cache's own expiry only reclaims memory.
    if (known && known.expiresAtMs > Date.now()) return cloneActor(known.actor);
    let payload: JWTPayload;
    try {
      payload = await this.checkSignatureAndClaims(token);
    } catch (error) {
      if (error instanceof errors.JOSEError && !KEY_SET_UNAVAILABLE.has(error.code)) {
        throw new TokenRejectedError(this.describe(error));
      }
      throw error;
    }
    const actor = actorFrom(payload);
    // jose refused a token without `exp` (a required claim), so every token kept here has one.
    const expiresAtMs = (payload.exp as number) * 1000;
    if (expiresAtMs > Date.now()) this.verified.set(token, { actor: cloneActor(actor), expiresAtMs }, { ttl: expiresAtMs - Date.now() });
    return actor;
  }

  private describe(error: errors.JOSEError): string {
    if (error instanceof errors.JWTExpired) return 'token has expired';
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === 'missing') return `token has no "${error.claim}" claim`;
      if (error.claim === 'iss') return `token was not issued by ${this.options.issuer}`;
      if (error.claim === 'aud') return `token is not meant for audience ${this.options.audience}`;
      return `token ${error.message}`;
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
    if (error instanceof errors.JOSEAlgNotAllowed) return 'token is signed with an algorithm that is not accepted';
    if (error instanceof errors.JWKSNoMatchingKey) return 'token is signed with a key the identity provider does not publish';
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'token is malformed';
    return `token is not acceptable: ${error.message}`;
  }
}

/** Each request gets its own actor: a handler changing one must not change what the next request is told. */
function cloneActor(actor: Actor): Actor {
  return { ...actor, roles: [...actor.roles] };
}

/** The signature says who issued the claims; this checks they say something we can act on. */
function actorFrom(payload: JWTPayload): Actor {
  const { sub, party, partyType, roles } = payload;
  if (typeof sub !== 'string' || sub.trim() === '') throw new TokenRejectedError('token "sub" claim must be a non-empty string');
  if (typeof party !== 'string' || party.trim() === '') throw new TokenRejectedError('token "party" claim must be a non-empty string');
  if (!isPartyType(partyType)) {
    throw new TokenRejectedError(`token "partyType" claim ${JSON.stringify(partyType)} is not one of ${PARTY_TYPES.join(', ')}`);
  }
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new TokenRejectedError('token "roles" claim must be an array of strings');
  }
  return { userId: sub, partyId: party, partyType, roles: [...roles] };
}
