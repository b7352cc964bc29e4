import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleHost } from './console-host';
import { ConsoleSettings } from './settings';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
}

const MB = 1024 * 1024;

/** A plain request with the path exactly as written (fetch would normalise `%2e%2e` away before sending). */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * The console host between a browser and a stand-in service (a plain HTTP server that records what reaches it):
 * what is forwarded, where, with which headers and bodies, and what is refused before it leaves the host.
 */
describe('console host forwarding', () => {
  let upstream: Server;
  let upstreamUrl: string;
  const seen: Seen[] = [];
  let host: NestFastifyApplication;
  let hostUrl: string;
  let appDirectory: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes });
        if (req.url?.includes('/releases/1/download')) {
          res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="release-1.csv"' });
          // 24 MB written in pieces: the host passes them on as they come.
          let left = 24;
          const line = Buffer.alloc(MB, 'x');
          const more = () => {
            while (left > 0) {
              left--;
              if (!res.write(line)) return void res.once('drain', more);
            }
            res.end();
          };
          more();
          return;
        }
        if (req.url?.startsWith('/cases/conflict')) {
          res.writeHead(409, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ statusCode: 409, code: 'CASE_STATE_CONFLICT', message: 'the case is queued' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ url: req.url, bytes }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    appDirectory = mkdtempSync(join(tmpdir(), 'console-app-'));
    writeFileSync(join(appDirectory, 'index.html'), '<!doctype html><title>console</title>');
    const settings = Object.assign(new ConsoleSettings(), {
      LOG_LEVEL: 'warn',
      CONSOLE_INTAKE_URL: upstreamUrl,
      CONSOLE_VERIFICATION_URL: upstreamUrl,
      CONSOLE_PUBLICATION_URL: `${upstreamUrl}/publication/`,
      // Nothing listens on port 9 (discard): the host meets an unreachable service.
      CONSOLE_INVENTORY_URL: 'http://127.0.0.1:9',
    });
    host = await createConsoleHost(settings, appDirectory);
    await host.listen(0, '127.0.0.1');
    hostUrl = await host.getUrl();
    hostUrl = hostUrl.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await host?.close();
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(appDirectory, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('forwards to the named service with the path, query and token untouched, drops cookies, and passes the status and type back', async () => {
    const answer = await raw(hostUrl, '/api/verification/cases/conflict/claim?x=a%20b&y=1', {
      method: 'POST',
      headers: { authorization: 'Bearer abc.def.ghi', cookie: 'session=secret', 'content-type': 'application/json' },
      body: Buffer.from('{"reason":null}'),
    });
    expect(answer.status).toBe(409);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answer.body.toString())).toEqual({ statusCode: 409, code: 'CASE_STATE_CONFLICT', message: 'the case is queued' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/cases/conflict/claim?x=a%20b&y=1', bytes: 15 });
    expect(seen[0].headers.authorization).toBe('Bearer abc.def.ghi');
    expect(seen[0].headers.cookie).toBeUndefined();
  });

  it('keeps a base URL’s own path', async () => {
    const answer = await raw(hostUrl, '/api/publication/defects?firmwareVersion=3804*');
    expect(JSON.parse(answer.body.toString()).url).toBe('/publication/defects?firmwareVersion=3804*');
  });

  it('streams large bodies both ways without reading them whole', async () => {
    const upload = Buffer.alloc(6 * MB, 'y');
    const posted = await raw(hostUrl, '/api/intake/submissions', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: upload });
    // Larger than the host's own 1 MB body limit: it was never parsed here, only passed on.
    expect(posted.status).toBe(200);
    expect(seen[0]).toMatchObject({ url: '/submissions', bytes: 6 * MB });
    expect(seen[0].headers['content-type']).toBe('multipart/form-data; boundary=zzz');

    const download = await raw(hostUrl, '/api/publication/releases/1/download?edition=public&format=csv');
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename="release-1.csv"');
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.body.length).toBe(24 * MB);
  });

  it.each([
    ['/api/intake/%2e%2e/verification/cases', 400],
    ['/api/intake/a/..%2f..%2fetc', 400],
    ['/api/intake//127.0.0.1:5432/', 400],
    ['/api/console/health', 404],
    ['/api/postgres/x', 404],
    ['/api/__proto__/x', 404],
  ])('refuses %s (%i) and sends nothing on', async (path, status) => {
    const answer = await raw(hostUrl, path, { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ code: 'CONSOLE_NOT_FORWARDED' });
    expect(seen).toEqual([]);
  });

  it('answers one clear 502 for a service that does not answer', async () => {
    const answer = await raw(hostUrl, '/api/inventory/health');
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body.toString())).toEqual({ statusCode: 502, code: 'UPSTREAM_UNREACHABLE', service: 'inventory', message: 'inventory is not answering at its configured address' });
  });

  it('keeps /health on the host and serves the app with a policy that allows only its own scripts', async () => {
    const health = await raw(hostUrl, '/health');
    expect(JSON.parse(health.body.toString())).toEqual({ service: 'console', status: 'ready', checks: { app: { status: 'up' } } });
    expect(seen).toEqual([]);
    const page = await raw(hostUrl, '/');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>console</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is not ready without the built app', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'console-empty-'));
    const bare = await createConsoleHost(Object.assign(new ConsoleSettings(), { LOG_LEVEL: 'warn' }), empty);
    await bare.listen(0, '127.0.0.1');
    try {
      const health = await raw((await bare.getUrl()).replace('[::1]', '127.0.0.1'), '/health');
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'not-ready', checks: { app: { status: 'down' } } });
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
