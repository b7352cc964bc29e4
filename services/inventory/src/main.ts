import './instrument';
import { loadConfigOrExit } from '@smi/config';
import { bootstrapService } from '@smi/service-runtime';
import { AppModule } from './app.module';
import { inventoryDatabaseUrl, InventorySettings } from './settings';

async function main(): Promise<void> {
  const settings = loadConfigOrExit(InventorySettings);
  await bootstrapService({
    serviceName: 'inventory',
    description: 'The Smart Metering Inventory: SR12.2 pre-notification, SR8.4 Update Inventory (ESME Variant correction), Change of Supplier.',
    settings,
    databaseUrl: inventoryDatabaseUrl(settings),
    rootModule: AppModule.register(settings),
    host: settings.HTTP_HOST,
    port: settings.INVENTORY_PORT,
  });
}

main().catch((error: Error) => {
  console.error(`inventory failed to start: ${error.message}`);
  process.exit(1);
});
