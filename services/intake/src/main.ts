import './instrument';
import { loadConfigOrExit } from '@smi/config';
import { bootstrapService } from '@smi/service-runtime';
import { AppModule } from './app.module';
import { intakeDatabaseUrl, IntakeSettings } from './settings';
import { registerSubmissionUploads } from './submissions/upload/submission-upload';

async function main(): Promise<void> {
  const settings = loadConfigOrExit(IntakeSettings);
  await bootstrapService({
    serviceName: 'intake',
    description: 'Submissions of defects, issues and fixes from manufacturers, CSPs and SEC parties; glossary; data requests.',
    settings,
    databaseUrl: intakeDatabaseUrl(settings),
    rootModule: AppModule.register(settings),
    host: settings.HTTP_HOST,
    port: settings.INTAKE_PORT,
    // Submission files stream in as multipart or raw CSV/.xlsx bodies, with their own size limit.
    configure: (app) => registerSubmissionUploads(app, settings.INTAKE_MAX_UPLOAD_BYTES),
  });
}

main().catch((error: Error) => {
  console.error(`intake failed to start: ${error.message}`);
  process.exit(1);
});
