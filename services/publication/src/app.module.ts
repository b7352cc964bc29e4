import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { isWebhookEvent, WebhooksModule } from '@smi/webhooks';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { AccessModule } from './access';
import { AffectedDevicesModule } from './affected-devices';
import { ChangesModule } from './changes/changes.module';
import { DefectsModule } from './defects/defects.module';
import { DmcCheckModule } from './dmc-check';
import { IntakeFeedModule, isIntakeCopy } from './intake-feed';
import { InventoryFeedModule, isInventoryCopy } from './inventory-feed';
import { PUBLICATION_MIGRATIONS } from './migrations';
import { PUBLICATION_PROJECTIONS } from './projections';
import { Clock, ReleasesModule, SYSTEM_CLOCK } from './releases';
import { publicationDatabaseUrl, PublicationSettings } from './settings';
import { isVerificationCopy, VerificationFeedModule } from './verification-feed';
import { PUBLICATION_WEBHOOKS } from './webhooks/publication-webhooks';

/** What a test may replace in the running service; production passes nothing. */
export interface AppOptions {
  /** Defaults to the system clock. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static register(settings: PublicationSettings, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'publication',
          settings,
          databaseUrl: publicationDatabaseUrl(settings),
          migrations: PUBLICATION_MIGRATIONS,
          topics: { events: 'publication.events', others: ['verification.events', 'inventory.events', 'intake.events'] },
          // Verification's, the inventory's and intake's events are kept here for the projections to rebuild from; they are theirs to publish.
          // Webhook subscriptions are publication's own bookkeeping.
          publishedEvents: (event) => !isVerificationCopy(event) && !isInventoryCopy(event) && !isIntakeCopy(event) && !isWebhookEvent(event),
          projections: PUBLICATION_PROJECTIONS,
        }),
        VerificationFeedModule,
        InventoryFeedModule,
        IntakeFeedModule,
        AccessModule,
        DefectsModule,
        DmcCheckModule,
        ChangesModule,
        AffectedDevicesModule,
        ReleasesModule.register({
          clock: options.clock ?? SYSTEM_CLOCK,
          holidays: new EnglandAndWalesBankHolidays(),
          releasesFrom: settings.PUBLICATION_RELEASES_FROM ?? null,
          dueCheckIntervalMs: settings.PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS,
          exportPageRows: settings.PUBLICATION_EXPORT_PAGE_ROWS,
          catchUpMs: settings.PUBLICATION_RELEASE_CATCH_UP_MS,
        }),
        WebhooksModule.register(PUBLICATION_WEBHOOKS),
      ],
    };
  }
}
