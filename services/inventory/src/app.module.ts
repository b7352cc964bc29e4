import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { INVENTORY_MIGRATIONS } from './migrations';
import { inventoryDatabaseUrl, InventorySettings } from './settings';

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
          topics: { events: 'inventory.events' },
        }),
      ],
    };
  }
}
