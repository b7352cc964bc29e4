import { mintLocalToken, type PartyType } from '@smi/auth';

/** The token settings every service loads (CommonSettings has them). */
export interface TokenSettings {
  AUTH_LOCAL_SECRET: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
}

export interface TestTokenClaims {
  sub?: string;
  party: string;
  partyType: PartyType;
  roles?: string[];
}

/** A token the services under test accept: signed with their local key, valid for an hour. */
export function mintTestToken(settings: TokenSettings, claims: TestTokenClaims): Promise<string> {
  return mintLocalToken({
    secret: settings.AUTH_LOCAL_SECRET,
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    sub: claims.sub ?? `${claims.party}-user`,
    party: claims.party,
    partyType: claims.partyType,
    roles: claims.roles ?? [],
    expiresIn: '1h',
  });
}
