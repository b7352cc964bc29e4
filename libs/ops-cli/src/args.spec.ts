import { OpsUsageError, parseOpsArgs, resolveUrls } from './index';

const env = { SMI_TOKEN: 'env-token' };

describe('parseOpsArgs', () => {
  it('parses every command with its own arguments', () => {
    expect(parseOpsArgs(['trace', 'req-1'], env).command).toEqual({ kind: 'trace', id: 'req-1' });
    expect(parseOpsArgs(['history', 'inventory', 'device-00-DB', '--as-of', '2026-12-05T09:00:00Z'], env).command).toEqual({
      kind: 'history',
      service: 'inventory',
      streamId: 'device-00-DB',
      asOf: '2026-12-05T09:00:00Z',
    });
    expect(parseOpsArgs(['rebuild', 'intake', 'registry_overview'], env).command).toEqual({ kind: 'rebuild', service: 'intake', projection: 'registry_overview', waitMs: 600_000 });
    expect(parseOpsArgs(['rebuild', 'intake', 'registry_overview', '--wait', '30'], env).command).toMatchObject({ waitMs: 30_000 });
    expect(parseOpsArgs(['rewind', 'publication', '--from', '1200'], env).command).toEqual({ kind: 'rewind', service: 'publication', fromPosition: '1200' });
    expect(parseOpsArgs(['dlq', 'list', 'inventory'], env).command).toEqual({ kind: 'dlq-list', service: 'inventory', pending: false });
    expect(parseOpsArgs(['dlq', 'list', 'inventory', '--pending'], env).command).toEqual({ kind: 'dlq-list', service: 'inventory', pending: true });
    expect(parseOpsArgs(['dlq', 'show', 'inventory', '7'], env).command).toEqual({ kind: 'dlq-show', service: 'inventory', id: '7' });
    expect(parseOpsArgs(['dlq', 'replay', 'inventory', '7'], env).command).toEqual({ kind: 'dlq-replay', service: 'inventory', id: '7' });
    expect(parseOpsArgs(['dlq', 'replay', 'inventory', '--all'], env).command).toEqual({ kind: 'dlq-replay', service: 'inventory', id: 'all' });
    expect(parseOpsArgs(['lag'], env).command).toEqual({ kind: 'lag', services: ['intake', 'verification', 'publication', 'inventory'] });
    expect(parseOpsArgs(['lag', 'inventory', 'inventory', 'intake'], env).command).toEqual({ kind: 'lag', services: ['inventory', 'intake'] });
  });

  it('takes the token from --token before $SMI_TOKEN, and --json and --timeout anywhere on the line', () => {
    const parsed = parseOpsArgs(['--json', 'trace', 'req-1', '--token', 'flag-token', '--timeout', '2.5'], env);
    expect(parsed.settings).toMatchObject({ json: true, token: 'flag-token', timeoutMs: 2500 });
    expect(parseOpsArgs(['trace', 'req-1'], env).settings).toMatchObject({ json: false, token: 'env-token', timeoutMs: 10_000 });
  });

  it('asks for help with no command or -h, without needing a token', () => {
    expect(parseOpsArgs([], {}).command).toEqual({ kind: 'help' });
    expect(parseOpsArgs(['-h'], {}).command).toEqual({ kind: 'help' });
  });

  it.each([
    [['trace'], /expected trace <correlationId\|RequestID>; got nothing/],
    [['trace', 'a', 'b'], /got "a" "b"/],
    [['history', 'billing', 's-1'], /unknown service "billing" \(expected one of intake, verification, publication, inventory\)/],
    [['history', 'inventory', 's-1', '--as-of', 'yesterday'], /--as-of "yesterday" must be an ISO 8601 instant/],
    [['rewind', 'inventory'], /rewind needs --from <position>/],
    [['rewind', 'inventory', '--from', '0'], /--from "0" must be a positive integer/],
    [['rewind', 'inventory', '--from', '12abc'], /--from "12abc" must be a positive integer/],
    [['trace', 'req-1', '--from', '5'], /--from does not apply to trace/],
    [['dlq', 'list', 'inventory', '--all'], /--all does not apply to dlq list/],
    [['dlq', 'replay', 'inventory', '3', '--all'], /no id with --all/],
    [['dlq', 'show', 'inventory', 'abc'], /dead letter id "abc" must be a positive integer/],
    [['dlq'], /dlq needs list, show or replay/],
    [['dlq', 'purge', 'inventory'], /unknown dlq action "purge"/],
    [['deploy'], /unknown command "deploy"/],
    [['trace', 'req-1', '--colour'], /Unknown option '--colour'/],
    [['rebuild', 'intake', 'x', '--wait=-1'], /--wait "-1" must be a positive number of seconds/],
    [['rebuild', 'intake', 'x', '--wait', '0'], /--wait "0" must be a positive number of seconds/],
    [['trace', 'req-1', '--timeout', 'soon'], /--timeout "soon" must be a positive number of seconds/],
  ])('refuses %j with a reason', (argv, reason) => {
    expect(() => parseOpsArgs(argv, env)).toThrow(OpsUsageError);
    expect(() => parseOpsArgs(argv, env)).toThrow(reason);
  });

  it('refuses a command without a token, saying where one comes from', () => {
    expect(() => parseOpsArgs(['lag'], {})).toThrow('no token: pass --token or set SMI_TOKEN');
  });
});

describe('resolveUrls', () => {
  it('uses --url over $SMI_<SERVICE>_URL over the local default, without a trailing slash', () => {
    const urls = resolveUrls(['inventory=http://inv.example:8080/'], { SMI_INVENTORY_URL: 'http://ignored:1', SMI_INTAKE_URL: 'https://intake.example/' });
    expect(urls).toEqual({
      intake: 'https://intake.example',
      verification: 'http://127.0.0.1:3002',
      publication: 'http://127.0.0.1:3003',
      inventory: 'http://inv.example:8080',
    });
  });

  it.each([
    [['billing=http://x'], {}, /--url "billing=http:\/\/x" must be <service>=<url>/],
    [['http://x'], {}, /must be <service>=<url>/],
    [['inventory=not a url'], {}, /--url inventory "not a url" is not a URL/],
    [['inventory=ftp://x'], {}, /must be http or https/],
    [[], { SMI_VERIFICATION_URL: '3002' }, /SMI_VERIFICATION_URL "3002" is not a URL/],
  ])('refuses %j %j', (options, env, reason) => {
    expect(() => resolveUrls(options, env)).toThrow(reason);
  });
});
