import { parseArgs } from 'node:util';
import { CommonSettings, loadConfigOrExit } from '@smi/config';
// Not '../index': the CLI needs neither NestJS nor Swagger, so it skips loading them.
import { isPartyType, PARTY_TYPES, type PartyType } from '../actor';
import { mintLocalToken } from '../mint-local-token';

const USAGE = `Usage: npm run token -- --sub <user id> --party <party id> --party-type <type> [--roles a,b] [--expires 8h]
  --party-type  one of ${PARTY_TYPES.join(', ')}
  --expires     a number followed by s, m, h or d (default 8h)
Signs with AUTH_LOCAL_SECRET for AUTH_ISSUER / AUTH_AUDIENCE (CommonSettings defaults when unset).`;

export interface MintTokenArgs {
  sub: string;
  party: string;
  partyType: PartyType;
  roles: string[];
  expiresIn: string;
}

export class UsageError extends Error {}

/** Parses and checks the command line; throws UsageError naming the offending argument. */
export function parseMintTokenArgs(argv: string[]): MintTokenArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        sub: { type: 'string' },
        party: { type: 'string' },
        'party-type': { type: 'string' },
        roles: { type: 'string', default: '' },
        expires: { type: 'string', default: '8h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { sub, party, 'party-type': partyType, roles, expires } = values;
  if (!sub) throw new UsageError('--sub is required');
  if (!party) throw new UsageError('--party is required');
  if (!partyType) throw new UsageError('--party-type is required');
  if (!isPartyType(partyType)) throw new UsageError(`unknown party type "${partyType}" (expected one of ${PARTY_TYPES.join(', ')})`);
  // Narrower than what jose accepts, so a typo cannot silently become a different lifetime.
  if (!/^\d+[smhd]$/.test(expires)) throw new UsageError(`--expires "${expires}" must be a number followed by s, m, h or d`);
  const roleList = roles
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  return { sub, party, partyType, roles: roleList, expiresIn: expires };
}

async function main(): Promise<void> {
  let args: MintTokenArgs;
  try {
    args = parseMintTokenArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`mint-token: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const settings = loadConfigOrExit(CommonSettings);
  const token = await mintLocalToken({
    ...args,
    secret: settings.AUTH_LOCAL_SECRET,
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
  });
  // Only the token on stdout, so `TOKEN=$(npm run -s token -- ...)` works.
  process.stdout.write(`${token}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`mint-token: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
