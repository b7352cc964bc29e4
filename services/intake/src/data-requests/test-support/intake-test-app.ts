import { loadConfig } from '@smi/config';
import { ServicePlatformModule } from '@smi/service-runtime';
import { NestTestApp, startNestTestApp, testKafkaBrokers } from '@smi/testing';
import { FixesModule } from '../../fixes/fixes.module';
import { GlossaryModule } from '../../glossary/glossary.module';
import { INTAKE_MIGRATIONS } from '../../migrations';
import { PartiesModule } from '../../parties/parties.module';
import { ReportsModule } from '../../reports/reports.module';
import { IntakeSettings } from '../../settings';
import { Clock } from '../clock';
import { DataRequestsModule } from '../data-requests.module';

/** A clock a test moves by hand, e.g. across a bank holiday to the day a request becomes overdue. */
export class AdjustableClock implements Clock {
  private current: Date;

  constructor(iso: string) {
    this.current = new Date(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export type IntakeTestApp = NestTestApp<IntakeSettings>;

/**
 * The intake use cases of this folder and their neighbours on the real platform, in this process so the clock
 * can be injected. Each call gets its own database and topic prefix.
 */
export function startIntakeTestApp(options: { label: string; clock: Clock; overdueCheckIntervalMs: number }): Promise<IntakeTestApp> {
  return startNestTestApp({
    label: options.label,
    settings: (database, topicPrefix) =>
      loadConfig(IntakeSettings, {
        INTAKE_DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        NODE_ENV: 'test',
      }),
    imports: (settings, database) => [
      ServicePlatformModule.forRoot({ serviceName: 'intake', settings, databaseUrl: database.url, migrations: INTAKE_MIGRATIONS, topics: { events: 'intake.events' } }),
      PartiesModule,
      GlossaryModule,
      ReportsModule,
      FixesModule,
      DataRequestsModule.register({ overdueCheckIntervalMs: options.overdueCheckIntervalMs, clock: options.clock }),
    ],
  });
}
