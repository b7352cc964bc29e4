import { loadConfigOrExit } from '@smi/config';
import { migrateDatabaseOrExit } from '@smi/service-runtime';
import { VERIFICATION_MIGRATIONS } from './migrations';
import { verificationDatabaseUrl, VerificationSettings } from './settings';

const settings = loadConfigOrExit(VerificationSettings);
void migrateDatabaseOrExit('verification', verificationDatabaseUrl(settings), VERIFICATION_MIGRATIONS);
