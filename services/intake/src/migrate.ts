import { loadConfigOrExit } from '@smi/config';
import { migrateDatabase } from '@smi/service-runtime';
import { INTAKE_MIGRATIONS } from './migrations';
import { intakeDatabaseUrl, IntakeSettings } from './settings';

const settings = loadConfigOrExit(IntakeSettings);
migrateDatabase('intake', intakeDatabaseUrl(settings), INTAKE_MIGRATIONS).then(
  (applied) => console.error(`intake: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`),
  (error: Error) => {
    console.error(`intake: migration failed: ${error.message}`);
    process.exit(1);
  },
);
