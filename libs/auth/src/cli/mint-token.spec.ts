import { parseMintTokenArgs, UsageError } from './mint-token';

const REQUIRED = ['--sub', '90-B3-D5-1F-30-01-00-01', '--party', 'SUPPLIER-A', '--party-type', 'supplier'];

describe('mint-token arguments', () => {
  it('reads the identity, splits roles and defaults the lifetime to 8h', () => {
    expect(parseMintTokenArgs([...REQUIRED, '--roles', 'supplier.user, sr.sender,'])).toEqual({
      sub: '90-B3-D5-1F-30-01-00-01',
      party: 'SUPPLIER-A',
      partyType: 'supplier',
      roles: ['supplier.user', 'sr.sender'],
      expiresIn: '8h',
    });
  });

  it('takes a lifetime', () => {
    expect(parseMintTokenArgs([...REQUIRED, '--expires', '15m']).expiresIn).toBe('15m');
  });

  it.each([
    [['--sub', 'x', '--party', 'P', '--party-type', 'retailer'], 'unknown party type "retailer"'],
    [['--party', 'P', '--party-type', 'dcc'], '--sub is required'],
    [['--sub', 'x', '--party-type', 'dcc'], '--party is required'],
    [['--sub', 'x', '--party', 'P'], '--party-type is required'],
    [[...REQUIRED, '--expires', 'soon'], '--expires "soon"'],
    [[...REQUIRED, '--colour', 'red'], "Unknown option '--colour'"],
  ])('explains what is wrong with %j', (argv, message) => {
    expect(() => parseMintTokenArgs(argv)).toThrow(UsageError);
    expect(() => parseMintTokenArgs(argv)).toThrow(message);
  });
});
