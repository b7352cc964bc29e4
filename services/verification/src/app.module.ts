import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { isWebhookEvent, WebhooksModule } from '@smi/webhooks';
import { CalendarModule, Clock } from './calendar/calendar';
import { CaseActionsModule } from './case-actions/case-actions.module';
import { CaseQueueModule } from './case-queue/case-queue.module';
import { CaseStoreModule } from './case-store';
import { CasesFromIntakeModule } from './cases-from-intake/cases-from-intake.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { ChasingModule } from './chasing/chasing.module';
import { caseStatsProjection } from './dashboard/case-stats.projection';
import { DashboardModule } from './dashboard/dashboard.module';
import { VERIFICATION_MIGRATIONS } from './migrations';
import { PartiesModule } from './parties/parties.module';
import { verificationDatabaseUrl, VerificationSettings } from './settings';
import { VERIFICATION_WEBHOOKS } from './webhooks/verification-webhooks';

/** What a test may replace in the running service; production passes nothing. */
export interface AppOptions {
  /** Defaults to the system clock. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static register(settings: VerificationSettings, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'verification',
          settings,
          databaseUrl: verificationDatabaseUrl(settings),
          migrations: VERIFICATION_MIGRATIONS,
          topics: { events: 'verification.events', others: ['intake.events'] },
          // Subscriptions to verification's webhooks are its own bookkeeping, not events for publication.
          publishedEvents: (event) => !isWebhookEvent(event),
          projections: [caseStatsProjection],
        }),
        CalendarModule.register(options.clock),
        PartiesModule,
        CatalogueModule,
        CaseStoreModule,
        CaseActionsModule,
        CaseQueueModule,
        ChasingModule.register({
          afterWorkingDays: settings.VERIFICATION_CHASE_AFTER_WORKING_DAYS,
          checkIntervalMs: settings.VERIFICATION_CHASE_CHECK_INTERVAL_MS,
        }),
        DashboardModule,
        CasesFromIntakeModule,
        WebhooksModule.register(VERIFICATION_WEBHOOKS),
      ],
    };
  }
}
