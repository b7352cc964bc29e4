import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { AuthModule, Authorize, JwtVerifier, TokenRejectedError, type JwtVerifierOptions } from './index';

// A real HTTP identity provider on a loopback port: the JWKS path is the one production uses.
const CLAIMS = { party: 'DCC', partyType: 'dcc', roles: ['dcc.operator'] };

describe('JwtVerifier against an identity provider JWKS endpoint', () => {
  let server: Server;
  let options: JwtVerifierOptions;
  let brokenOptions: JwtVerifierOptions;
  let idpKey: CryptoKey;
  let strangerKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] };
    server = createServer((request, response) => {
      if (request.url === '/jwks') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      } else {
        response.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    options = { jwksUrl: `${base}/jwks`, issuer: 'https://idp.example', audience: 'smi-services', nodeEnv: 'production' };
    brokenOptions = { ...options, jwksUrl: `${base}/broken` };
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function sign(key: CryptoKey | Uint8Array, alg: string, kid = 'idp-1'): Promise<string> {
    return new SignJWT(CLAIMS)
      .setProtectedHeader({ alg, kid })
      .setSubject('90-B3-D5-1F-30-01-00-02')
      .setIssuer('https://idp.example')
      .setAudience('smi-services')
      .setExpirationTime('5m')
      .sign(key);
  }

  it('accepts a token signed by the identity provider', async () => {
    await expect(new JwtVerifier(options).verify(await sign(idpKey, 'RS256'))).resolves.toEqual({
      userId: '90-B3-D5-1F-30-01-00-02',
      partyId: 'DCC',
      partyType: 'dcc',
      roles: ['dcc.operator'],
    });
  });

  it('rejects a token signed with a key the identity provider does not publish', async () => {
    await expect(new JwtVerifier(options).verify(await sign(strangerKey, 'RS256', 'stranger'))).rejects.toEqual(
      new TokenRejectedError('token is signed with a key the identity provider does not publish'),
    );
  });

  it('rejects a token signed by someone else under the identity provider key id', async () => {
    await expect(new JwtVerifier(options).verify(await sign(strangerKey, 'RS256'))).rejects.toEqual(new TokenRejectedError('token signature is invalid'));
  });

  it('rejects a symmetric token, whatever secret signed it', async () => {
    const hs256 = await sign(new TextEncoder().encode('a-shared-secret-nobody-should-trust-here'), 'HS256');
    await expect(new JwtVerifier(options).verify(hs256)).rejects.toEqual(new TokenRejectedError('token is signed with an algorithm that is not accepted'));
  });

  it('does not blame the token when the key set cannot be fetched', async () => {
    const error = await new JwtVerifier(brokenOptions).verify(await sign(idpKey, 'RS256')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TokenRejectedError);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    @Controller()
    class DccController {
      @Authorize({ partyTypes: ['dcc'] })
      @Get('dcc-only')
      dccOnly() {
        return { ok: true };
      }
    }
    @Module({ imports: [AuthModule.forRoot(brokenOptions)], controllers: [DccController] })
    class BrokenIdpModule {}

    const app = await NestFactory.create<NestFastifyApplication>(BrokenIdpModule, new FastifyAdapter(), { logger: false });
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const response = await app.inject({ method: 'GET', url: '/dcc-only', headers: { authorization: `Bearer ${await sign(idpKey, 'RS256')}` } });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'cannot verify bearer tokens right now' });
    } finally {
      await app.close();
    }
  });
});
