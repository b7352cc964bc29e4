import { loadConfigOrExit } from '@smi/config';
import { migrateDatabaseOrExit } from '@smi/service-runtime';
import { PUBLICATION_MIGRATIONS } from './migrations';
import { publicationDatabaseUrl, PublicationSettings } from './settings';

const settings = loadConfigOrExit(PublicationSettings);
void migrateDatabaseOrExit('publication', publicationDatabaseUrl(settings), PUBLICATION_MIGRATIONS);
