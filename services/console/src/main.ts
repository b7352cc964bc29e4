import { loadConfigOrExit } from '@smi/config';
import { createLogger } from '@smi/telemetry';
import { createConsoleHost } from './console-host';
import { ConsoleSettings } from './settings';

async function main(): Promise<void> {
  const settings = loadConfigOrExit(ConsoleSettings);
  const app = await createConsoleHost(settings);
  await app.listen(settings.CONSOLE_PORT, settings.HTTP_HOST);
  createLogger('console', settings.LOG_LEVEL).info({ port: settings.CONSOLE_PORT, host: settings.HTTP_HOST, node: process.version }, 'console listening');
}

main().catch((error: Error) => {
  console.error(`console failed to start: ${error.message}`);
  process.exit(1);
});
