import { SignJWT, type JWTPayload } from 'jose';
import { JwtVerifier, mintLocalToken, TokenRejectedError, type JwtVerifierOptions } from './index';

const SECRET = 'unit-test-signing-key-0123456789-abcdef';
const OPTIONS: JwtVerifierOptions = { localSecret: SECRET, issuer: 'smi-test', audience: 'smi-services', nodeEnv: 'test' };
const CLAIMS = {
  sub: '90-B3-D5-1F-30-01-00-01',
  party: 'SUPPLIER-A',
  partyType: 'supplier' as const,
  roles: ['supplier.user', 'sr.sender'],
};

function mint(overrides: Partial<Parameters<typeof mintLocalToken>[0]> = {}): Promise<string> {
  return mintLocalToken({ secret: SECRET, issuer: 'smi-test', audience: 'smi-services', expiresIn: '5m', ...CLAIMS, ...overrides });
}

/** For claims mintLocalToken's types would not allow. */
function signRaw(payload: JWTPayload, expiresAt: number | string = '5m'): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('smi-test')
    .setAudience('smi-services')
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(SECRET));
}

async function rejection(token: string): Promise<string> {
  const error = await new JwtVerifier(OPTIONS).verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRejectedError);
  return (error as TokenRejectedError).reason;
}

describe('JwtVerifier with a local secret', () => {
  it('turns a valid token into an actor', async () => {
    await expect(new JwtVerifier(OPTIONS).verify(await mint())).resolves.toEqual({
      userId: '90-B3-D5-1F-30-01-00-01',
      partyId: 'SUPPLIER-A',
      partyType: 'supplier',
      roles: ['supplier.user', 'sr.sender'],
    });
  });

  it('rejects an expired token', async () => {
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    expect(await rejection(await signRaw(CLAIMS, anHourAgo))).toBe('token has expired');
  });

  it('rejects a token without an expiry', async () => {
    const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg: 'HS256' }).setIssuer('smi-test').setAudience('smi-services').sign(new TextEncoder().encode(SECRET));
    expect(await rejection(token)).toBe('token has no "exp" claim');
  });

  it('rejects a token for another audience', async () => {
    expect(await rejection(await mint({ audience: 'someone-else' }))).toBe('token is not meant for audience smi-services');
  });

  it('rejects a token from another issuer', async () => {
    expect(await rejection(await mint({ issuer: 'elsewhere' }))).toBe('token was not issued by smi-test');
  });

  it('rejects a token signed with another key', async () => {
    expect(await rejection(await mint({ secret: 'another-signing-key-0123456789-abcdefgh' }))).toBe('token signature is invalid');
  });

  it('rejects a token whose payload was altered', async () => {
    const [header, , signature] = (await mint()).split('.');
    const forged = Buffer.from(JSON.stringify({ ...CLAIMS, partyType: 'dcc', iss: 'smi-test', aud: 'smi-services', exp: 9999999999 })).toString('base64url');
    expect(await rejection(`${header}.${forged}.${signature}`)).toBe('token signature is invalid');
  });

  it('rejects an unsigned token', async () => {
    const [, payload] = (await mint()).split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(await rejection(`${none}.${payload}.`)).toBe('token is signed with an algorithm that is not accepted');
  });

  it('rejects something that is not a token', async () => {
    expect(await rejection('not-a-token')).toBe('token is malformed');
  });

  it('rejects a token without a party', async () => {
    const { party: _party, ...withoutParty } = CLAIMS;
    expect(await rejection(await signRaw(withoutParty))).toBe('token "party" claim must be a non-empty string');
  });

  it('rejects an unknown party type, naming it', async () => {
    expect(await rejection(await signRaw({ ...CLAIMS, partyType: 'retailer' }))).toMatch(/^token "partyType" claim "retailer" is not one of dcc, supplier/);
  });

  it('rejects roles that are not a list of strings', async () => {
    expect(await rejection(await signRaw({ ...CLAIMS, roles: 'sr.sender' }))).toBe('token "roles" claim must be an array of strings');
    expect(await rejection(await signRaw({ ...CLAIMS, roles: ['sr.sender', 7] }))).toBe('token "roles" claim must be an array of strings');
  });

  it('rejects a token without a subject', async () => {
    const { sub: _sub, ...withoutSub } = CLAIMS;
    expect(await rejection(await signRaw(withoutSub))).toBe('token "sub" claim must be a non-empty string');
  });
});

describe('JwtVerifier keeping verified tokens', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a token it verified before with the same actor, each caller with its own copy', async () => {
    const verifier = new JwtVerifier(OPTIONS);
    const token = await mint();
    const first = await verifier.verify(token);
    first.roles.push('dcc.admin');
    first.partyId = 'DCC';
    await expect(verifier.verify(token)).resolves.toEqual({ userId: CLAIMS.sub, partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['supplier.user', 'sr.sender'] });
  });

  it('refuses a kept token once it has expired', async () => {
    const verifier = new JwtVerifier(OPTIONS);
    const token = await mint({ expiresIn: '60s' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ partyId: 'SUPPLIER-A' });
    jest.useFakeTimers({ now: Date.now() + 61_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await expect(verifier.verify(token)).rejects.toThrow('token has expired');
  });

  it('checks every other text on its own: a kept token does not vouch for an altered copy', async () => {
    const verifier = new JwtVerifier(OPTIONS);
    const token = await mint();
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = [header, Buffer.from(JSON.stringify({ ...claims, partyType: 'dcc' })).toString('base64url'), signature].join('.');
    await expect(verifier.verify(altered)).rejects.toThrow('token signature is invalid');
    const flipped = signature[10] === 'A' ? 'B' : 'A';
    await expect(verifier.verify([header, payload, signature.slice(0, 10) + flipped + signature.slice(11)].join('.'))).rejects.toThrow('token signature is invalid');
  });
});

describe('JwtVerifier configuration', () => {
  it('refuses a local secret in production', () => {
    expect(() => new JwtVerifier({ ...OPTIONS, nodeEnv: 'production' })).toThrow(/AUTH_JWKS_URL is required in production/);
  });

  it('accepts production with a JWKS URL, ignoring the local secret', () => {
    expect(() => new JwtVerifier({ ...OPTIONS, nodeEnv: 'production', jwksUrl: 'https://idp.example/jwks' })).not.toThrow();
  });

  it('refuses a short local secret', () => {
    expect(() => new JwtVerifier({ ...OPTIONS, localSecret: 'short' })).toThrow(/at least 32 characters/);
  });

  it('refuses to run with neither a JWKS URL nor a local secret', () => {
    expect(() => new JwtVerifier({ ...OPTIONS, localSecret: undefined })).toThrow(/AUTH_JWKS_URL or AUTH_LOCAL_SECRET/);
  });
});
