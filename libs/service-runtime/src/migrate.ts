import { DataSource } from 'typeorm';
import { ensureDatabase } from './database';
import { PLATFORM_MIGRATIONS } from './service-platform.module';

/** Creates the database if needed and applies pending migrations: the platform's first, then the service's. */
export async function migrateDatabase(serviceName: string, databaseUrl: string, migrations: Array<new () => unknown>): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: [...PLATFORM_MIGRATIONS, ...migrations],
    migrationsTransactionMode: 'each',
    applicationName: `${serviceName}-migrate`,
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * A service's `migrate` entry point (its src/migrate.ts): migrates, says on stderr what it applied, and ends the
 * process with status 1 when migrating fails, so a deployment step that runs it stops there.
 */
export function migrateDatabaseOrExit(serviceName: string, databaseUrl: string, migrations: Array<new () => unknown>): Promise<void> {
  return migrateDatabase(serviceName, databaseUrl, migrations).then(
    (applied) => console.error(`${serviceName}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`),
    (error: Error) => {
      console.error(`${serviceName}: migration failed: ${error.message}`);
      process.exit(1);
    },
  );
}
