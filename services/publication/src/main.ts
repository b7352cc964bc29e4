import './instrument';
import { loadConfigOrExit } from '@smi/config';
import { bootstrapService } from '@smi/service-runtime';
import { AppModule } from './app.module';
import { publicationDatabaseUrl, PublicationSettings } from './settings';

async function main(): Promise<void> {
  const settings = loadConfigOrExit(PublicationSettings);
  await bootstrapService({
    serviceName: 'publication',
    description: 'The searchable defects database by Device Model Combination and firmware; quarterly releases and exports.',
    settings,
    databaseUrl: publicationDatabaseUrl(settings),
    rootModule: AppModule.register(settings),
    host: settings.HTTP_HOST,
    port: settings.PUBLICATION_PORT,
  });
}

main().catch((error: Error) => {
  console.error(`publication failed to start: ${error.message}`);
  process.exit(1);
});
