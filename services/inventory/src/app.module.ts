import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { BulkCorrectionsModule } from './bulk-corrections/bulk-corrections.module';
import { DeviceReportsModule } from './device-reports/device-reports.module';
import { DevicesModule } from './devices/devices.module';
import { INVENTORY_MIGRATIONS } from './migrations';
import { ServiceRequestsModule } from './service-requests/service-requests.module';
import { inventoryDatabaseUrl, InventorySettings } from './settings';
import { INVENTORY_TOPICS, serviceResponseMessages } from './topics';
import { VariantOutliersModule } from './variant-outliers/variant-outliers.module';

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
        }),
        ServiceRequestsModule,
        DeviceReportsModule,
        DevicesModule,
        BulkCorrectionsModule,
        VariantOutliersModule,
      ],
    };
  }
}
