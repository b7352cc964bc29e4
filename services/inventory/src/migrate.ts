import { loadConfigOrExit } from '@smi/config';
import { migrateDatabaseOrExit } from '@smi/service-runtime';
import { INVENTORY_MIGRATIONS } from './migrations';
import { inventoryDatabaseUrl, InventorySettings } from './settings';

const settings = loadConfigOrExit(InventorySettings);
void migrateDatabaseOrExit('inventory', inventoryDatabaseUrl(settings), INVENTORY_MIGRATIONS);
