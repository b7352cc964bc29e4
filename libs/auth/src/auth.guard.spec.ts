import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AuthModule, Authorize, CurrentActor, mintLocalToken, Public, type Actor, type PartyType } from './index';

const AUTH = { localSecret: 'unit-test-signing-key-0123456789-abcdef', issuer: 'smi-test', audience: 'smi-services', nodeEnv: 'test' };

@Controller()
class ExampleController {
  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Authorize({ partyTypes: ['dcc'] })
  @Get('dcc-only')
  dccOnly(@CurrentActor() actor: Actor) {
    return actor;
  }

  @Authorize({ partyTypes: ['supplier'], roles: ['sr.sender'] })
  @Get('service-requests')
  serviceRequests(@CurrentActor() actor: Actor) {
    return { sender: actor.userId };
  }

  @Get('undeclared')
  undeclared() {
    return { leaked: true };
  }
}

@Authorize({ partyTypes: ['secas'] })
@Controller('secas')
class SecasController {
  @Get('report')
  report() {
    return { report: true };
  }

  @Public()
  @Get('status')
  status() {
    return { status: 'ok' };
  }
}

@Module({ imports: [AuthModule.forRoot(AUTH)], controllers: [ExampleController, SecasController] })
class ExampleModule {}

function token(partyType: PartyType, roles: string[] = []): Promise<string> {
  return mintLocalToken({ ...AUTH, secret: AUTH.localSecret, sub: '90-B3-D5-1F-30-01-00-01', party: 'PARTY-1', partyType, roles, expiresIn: '5m' });
}

describe('AuthModule on a Fastify app', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ExampleModule, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  async function get(url: string, bearer?: string) {
    const response = await app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: response.statusCode, body: response.json(), wwwAuthenticate: response.headers['www-authenticate'] };
  }

  it('serves public endpoints without a token', async () => {
    expect(await get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('serves public endpoints even with a bad token', async () => {
    expect((await get('/health', 'garbage')).status).toBe(200);
  });

  it.each(['/dcc-only', '/service-requests', '/undeclared', '/secas/report'])('answers 401 without a token: %s', async (url) => {
    expect(await get(url)).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'missing bearer token' },
      wwwAuthenticate: 'Bearer',
    });
  });

  it('answers 401 naming the reason for an invalid token', async () => {
    const forged = await mintLocalToken({ ...AUTH, secret: 'another-signing-key-0123456789-abcdefgh', sub: 'x', party: 'DCC', partyType: 'dcc', roles: [], expiresIn: '5m' });
    expect(await get('/dcc-only', forged)).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'token signature is invalid' },
      wwwAuthenticate: 'Bearer error="invalid_token"',
    });
  });

  it('answers 401 for a non-bearer authorization header', async () => {
    const response = await app.inject({ method: 'GET', url: '/dcc-only', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('authorization header must be "Bearer <token>"');
  });

  it('denies an endpoint that declares no access rule, even to a valid caller', async () => {
    expect(await get('/undeclared', await token('dcc'))).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'endpoint declares no access rule' },
    });
  });

  it('lets the allowed party type in and hands the actor to the handler', async () => {
    expect(await get('/dcc-only', await token('dcc'))).toMatchObject({
      status: 200,
      body: { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'PARTY-1', partyType: 'dcc', roles: [] },
    });
  });

  it('answers 403 naming the required party type', async () => {
    expect(await get('/dcc-only', await token('supplier', ['sr.sender']))).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'requires party type dcc; caller is supplier' },
    });
  });

  it('requires the role as well as the party type', async () => {
    expect(await get('/service-requests', await token('supplier', ['supplier.user', 'sr.sender']))).toMatchObject({ status: 200, body: { sender: '90-B3-D5-1F-30-01-00-01' } });
    expect(await get('/service-requests', await token('supplier', ['supplier.user']))).toMatchObject({
      status: 403,
      body: { message: 'requires role sr.sender' },
    });
    expect((await get('/service-requests', await token('dcc', ['sr.sender']))).status).toBe(403);
  });

  it('applies a controller-level rule, which a handler-level @Public overrides', async () => {
    expect((await get('/secas/report', await token('secas'))).status).toBe(200);
    expect((await get('/secas/report', await token('dcc'))).status).toBe(403);
    expect((await get('/secas/status')).status).toBe(200);
  });

  it('shows bearer security in OpenAPI on declared endpoints only', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
    expect(document.paths['/dcc-only'].get?.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/secas/report'].get?.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/health'].get?.security).toBeUndefined();
  });
});

describe('Authorize', () => {
  it('refuses an empty list rather than reading it as "anyone"', () => {
    expect(() => Authorize({ roles: [] })).toThrow(/roles is empty/);
    expect(() => Authorize({ partyTypes: [] })).toThrow(/partyTypes is empty/);
  });
});

describe('AuthModule', () => {
  it('fails the service at start-up when production would use the local secret', async () => {
    @Module({ imports: [AuthModule.forRoot({ ...AUTH, nodeEnv: 'production' })] })
    class ProductionModule {}
    await expect(NestFactory.create(ProductionModule, new FastifyAdapter(), { logger: false, abortOnError: false })).rejects.toThrow(
      /AUTH_JWKS_URL is required in production/,
    );
  });
});
