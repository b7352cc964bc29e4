import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { AccessModule } from './access';
import { AffectedDevicesModule } from './affected-devices';
import { ChangesModule } from './changes/changes.module';
import { DefectsModule } from './defects/defects.module';
import { DmcCheckModule } from './dmc-check';
import { InventoryFeedModule, isInventoryCopy } from './inventory-feed';
import { PUBLICATION_MIGRATIONS } from './migrations';
import { PUBLICATION_PROJECTIONS } from './projections';
import { publicationDatabaseUrl, PublicationSettings } from './settings';
import { isVerificationCopy, VerificationFeedModule } from './verification-feed';

@Module({})
export class AppModule {
  static register(settings: PublicationSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'publication',
          settings,
          databaseUrl: publicationDatabaseUrl(settings),
          migrations: PUBLICATION_MIGRATIONS,
          topics: { events: 'publication.events', others: ['verification.events', 'inventory.events'] },
          // Verification's and the inventory's events are kept here for the projections to rebuild from; they are theirs to publish.
          publishedEvents: (event) => !isVerificationCopy(event) && !isInventoryCopy(event),
          projections: PUBLICATION_PROJECTIONS,
        }),
        VerificationFeedModule,
        InventoryFeedModule,
        AccessModule,
        DefectsModule,
        DmcCheckModule,
        ChangesModule,
        AffectedDevicesModule,
      ],
    };
  }
}
