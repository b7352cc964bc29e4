import { loadConfigOrExit } from '@smi/config';
import { migrateDatabase } from '@smi/service-runtime';
import { INVENTORY_MIGRATIONS } from './migrations';
import { inventoryDatabaseUrl, InventorySettings } from './settings';

const settings = loadConfigOrExit(InventorySettings);
migrateDatabase('inventory', inventoryDatabaseUrl(settings), INVENTORY_MIGRATIONS).then(
  (applied) => console.error(`inventory: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`),
  (error: Error) => {
    console.error(`inventory: migration failed: ${error.message}`);
    process.exit(1);
  },
);
