import { SignJWT } from 'jose';
import type { PartyType } from './actor';
import { localSigningKey } from './local-key';

export interface MintLocalTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  sub: string;
  party: string;
  partyType: PartyType;
  roles: string[];
  /** A jose time span such as '15m' or '8h'. */
  expiresIn: string;
}

/** Signs an HS256 token that JwtVerifier accepts in local mode: for tests and the `npm run token` CLI. */
export async function mintLocalToken(options: MintLocalTokenOptions): Promise<string> {
  return new SignJWT({ party: options.party, partyType: options.partyType, roles: options.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn)
    .sign(localSigningKey(options.secret));
}
