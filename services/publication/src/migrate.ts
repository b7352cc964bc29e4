import { loadConfigOrExit } from '@smi/config';
import { migrateDatabase } from '@smi/service-runtime';
import { PUBLICATION_MIGRATIONS } from './migrations';
import { publicationDatabaseUrl, PublicationSettings } from './settings';

const settings = loadConfigOrExit(PublicationSettings);
migrateDatabase('publication', publicationDatabaseUrl(settings), PUBLICATION_MIGRATIONS).then(
  (applied) => console.error(`publication: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`),
  (error: Error) => {
    console.error(`publication: migration failed: ${error.message}`);
    process.exit(1);
  },
);
