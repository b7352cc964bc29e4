import './instrument';
import { loadConfigOrExit } from '@smi/config';
import { bootstrapService } from '@smi/service-runtime';
import { AppModule } from './app.module';
import { verificationDatabaseUrl, VerificationSettings } from './settings';

async function main(): Promise<void> {
  const settings = loadConfigOrExit(VerificationSettings);
  await bootstrapService({
    serviceName: 'verification',
    description: 'DCC verification of submitted items; manufacturers agree inclusions and confirm fixes.',
    settings,
    databaseUrl: verificationDatabaseUrl(settings),
    rootModule: AppModule.register(settings),
    host: settings.HTTP_HOST,
    port: settings.VERIFICATION_PORT,
  });
}

main().catch((error: Error) => {
  console.error(`verification failed to start: ${error.message}`);
  process.exit(1);
});
