import { forwardTarget, pathProblem, Upstreams } from './forward-target';

const upstreams: Upstreams = {
  intake: 'http://127.0.0.1:3001',
  verification: 'http://127.0.0.1:3002',
  publication: 'http://10.0.0.9:8080/publication/',
  inventory: 'http://127.0.0.1:3004',
};

describe('the console host forwards only to the four services, within their base URLs', () => {
  it.each([
    ['/api/verification/cases', 'http://127.0.0.1:3002', '/cases'],
    ['/api/verification/cases/3f2b8c1e-5a4d-8e6f-9a0b-1c2d3e4f5a6b/claim', 'http://127.0.0.1:3002', '/cases/3f2b8c1e-5a4d-8e6f-9a0b-1c2d3e4f5a6b/claim'],
    ['/api/intake', 'http://127.0.0.1:3001', '/'],
    ['/api/inventory/devices/00-DB-12-34-56-78-90-A0/history', 'http://127.0.0.1:3004', '/devices/00-DB-12-34-56-78-90-A0/history'],
    // A base URL with a path keeps it, whatever the slashes.
    ['/api/publication/releases/2/download?edition=public&format=csv', 'http://10.0.0.9:8080', '/publication/releases/2/download'],
    // Encoded characters stay encoded for the service to decode once, as on a direct request.
    ['/api/publication/defects?make=Northwind%20Metering', 'http://10.0.0.9:8080', '/publication/defects'],
    ['/api/inventory/devices/a%20b', 'http://127.0.0.1:3004', '/devices/a%20b'],
    // Three dots are a name, not a step up.
    ['/api/intake/glossary/...', 'http://127.0.0.1:3001', '/glossary/...'],
  ])('%s goes to %s%s', (url, base, path) => {
    expect(forwardTarget(url, upstreams)).toMatchObject({ kind: 'forward', base, path });
  });

  it.each(['/api/console/health', '/api/unknown/x', '/api/__proto__/x', '/api/constructor', '/api/toString/x', '/api/Intake/parties', '/api/', '/api', '/health', '/api%2fintake/x'])(
    'refuses %s as no service (404)',
    (url) => {
      expect(forwardTarget(url, upstreams)).toMatchObject({ kind: 'refuse', status: 404 });
    },
  );

  it.each([
    '/api/intake/../verification/cases',
    '/api/intake/..',
    '/api/intake/./parties',
    '/api/intake/%2e%2e/x',
    '/api/intake/%2E%2e/x',
    '/api/intake/.%2E',
    '/api/intake/a/%2e%2e/%2e%2e/b',
    '/api/intake/a%2f..%2fb',
    '/api/intake/a%2F..',
    '/api/intake/a%5c..%5cb',
    '/api/intake/a\\..\\b',
    '//api/intake/x',
    '/api/intake//evil.example/x',
    '/api/intake/%zz',
    '/api/intake/a%00b',
    '/api/intake/%0d%0aHost:%20evil',
  ])('refuses %s, whose path could leave the service (400 or 404)', (url) => {
    const target = forwardTarget(url, upstreams);
    expect(target.kind).toBe('refuse');
  });

  it('keeps every forwarded target on its own service’s origin, for any path that passes the rules', () => {
    const pieces = ['a', '..', '.', '%2e', '%2E%2e', '%2f', '%5C', '', '@evil.example', 'http:', '//', '?', '#', '%23', '%3F', 'x%40y', ':80'];
    for (const service of Object.keys(upstreams) as Array<keyof Upstreams>) {
      for (const a of pieces) {
        for (const b of pieces) {
          const target = forwardTarget(`/api/${service}/${a}/${b}`, upstreams);
          if (target.kind !== 'forward') continue;
          const url = new URL(`${target.base}${target.path}`);
          const base = new URL(upstreams[service]);
          expect(url.origin).toBe(base.origin);
          expect(url.pathname.startsWith(base.pathname.replace(/\/$/, ''))).toBe(true);
          expect(url.pathname.split('/')).not.toContain('..');
        }
      }
    }
  });

  it('names the reason for a refused path', () => {
    expect(pathProblem('/cases/..')).toBe('the path may not contain . or .. segments');
    expect(pathProblem('/cases/a%2Fb')).toBe('the path may not contain an encoded slash or backslash');
    expect(pathProblem('/cases/abc')).toBeNull();
  });
});
