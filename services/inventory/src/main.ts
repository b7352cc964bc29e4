import './instrument';
import { loadConfigOrExit } from '@smi/config';
import { bootstrapService } from '@smi/service-runtime';
import { AppModule } from './app.module';
import { registerCorrectionUploads } from './bulk-corrections/correction-upload';
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
    // Bulk correction files stream in (multipart or a text/csv body) under their own size limit.
    configure: (app) => registerCorrectionUploads(app, settings.INVENTORY_BULK_MAX_UPLOAD_BYTES),
  });
}

main().catch((error: Error) => {
  console.error(`inventory failed to start: ${error.message}`);
  process.exit(1);
});
