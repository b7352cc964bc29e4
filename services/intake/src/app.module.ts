import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { isWebhookEvent, WebhooksModule } from '@smi/webhooks';
import { INTAKE_MIGRATIONS } from './migrations';
import { DataRequestsModule } from './data-requests/data-requests.module';
import { FixesModule } from './fixes/fixes.module';
import { ItemsModule } from './items/items.module';
import { GlossaryModule } from './glossary/glossary.module';
import { PartiesModule } from './parties/parties.module';
import { registryOverviewProjection } from './parties/registry-overview.projection';
import { ReportsModule } from './reports/reports.module';
import { intakeDatabaseUrl, IntakeSettings } from './settings';
import { SubmissionsModule } from './submissions/submissions.module';
import { INTAKE_WEBHOOKS } from './webhooks/intake-webhooks';

@Module({})
export class AppModule {
  static register(settings: IntakeSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'intake',
          settings,
          databaseUrl: intakeDatabaseUrl(settings),
          migrations: INTAKE_MIGRATIONS,
          topics: { events: 'intake.events' },
          // Subscriptions to intake's webhooks are its own bookkeeping, not events for other services.
          publishedEvents: (event) => !isWebhookEvent(event),
          projections: [registryOverviewProjection],
        }),
        PartiesModule,
        SubmissionsModule,
        ItemsModule,
        GlossaryModule,
        ReportsModule,
        FixesModule,
        DataRequestsModule.register({ overdueCheckIntervalMs: settings.INTAKE_OVERDUE_CHECK_INTERVAL_MS }),
        WebhooksModule.register(INTAKE_WEBHOOKS),
      ],
    };
  }
}
