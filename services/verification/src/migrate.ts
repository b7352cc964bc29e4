import { loadConfigOrExit } from '@smi/config';
import { migrateDatabase } from '@smi/service-runtime';
import { VERIFICATION_MIGRATIONS } from './migrations';
import { verificationDatabaseUrl, VerificationSettings } from './settings';

const settings = loadConfigOrExit(VerificationSettings);
migrateDatabase('verification', verificationDatabaseUrl(settings), VERIFICATION_MIGRATIONS).then(
  (applied) => console.error(`verification: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`),
  (error: Error) => {
    console.error(`verification: migration failed: ${error.message}`);
    process.exit(1);
  },
);
