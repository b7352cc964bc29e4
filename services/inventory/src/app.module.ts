import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { isWebhookEvent, WebhooksModule } from '@smi/webhooks';
import { BulkCorrectionsModule } from './bulk-corrections/bulk-corrections.module';
import { DspUpdatesModule } from './dsp-updates/dsp-updates.module';
import { SmiReadModelModule } from './smi-read-model/smi-read-model.module';
import { INVENTORY_MIGRATIONS } from './migrations';
import { ServiceRequestsModule } from './service-requests/service-requests.module';
import { inventoryDatabaseUrl, InventorySettings } from './settings';
import { INVENTORY_TOPICS, serviceResponseMessages } from './topics';
import { VariantOutliersModule } from './variant-outliers/variant-outliers.module';
import { INVENTORY_WEBHOOKS } from './webhooks/inventory-webhooks';

@Module({})
export class AppModule {
  static register(settings: InventorySettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'inventory',
          settings,
          databaseUrl: inventoryDatabaseUrl(settings),
          migrations: INVENTORY_MIGRATIONS,
          topics: {
            events: INVENTORY_TOPICS.events,
            others: [INVENTORY_TOPICS.serviceRequests, INVENTORY_TOPICS.serviceResponses, INVENTORY_TOPICS.deviceReports],
          },
          extraMessages: serviceResponseMessages,
          // Subscriptions to the inventory's webhooks are its own bookkeeping, not events for other services.
          publishedEvents: (event) => !isWebhookEvent(event),
        }),
        ServiceRequestsModule,
        DspUpdatesModule,
        SmiReadModelModule,
        BulkCorrectionsModule,
        VariantOutliersModule,
        WebhooksModule.register(INVENTORY_WEBHOOKS),
      ],
    };
  }
}
