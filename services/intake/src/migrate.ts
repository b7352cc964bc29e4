import { loadConfigOrExit } from '@smi/config';
import { migrateDatabaseOrExit } from '@smi/service-runtime';
import { INTAKE_MIGRATIONS } from './migrations';
import { intakeDatabaseUrl, IntakeSettings } from './settings';

const settings = loadConfigOrExit(IntakeSettings);
void migrateDatabaseOrExit('intake', intakeDatabaseUrl(settings), INTAKE_MIGRATIONS);
