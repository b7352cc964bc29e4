import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { AccessModule } from './access';
import { ChangesModule } from './changes/changes.module';
import { DEFECT_CATALOGUE_PROJECTIONS } from './defect-catalogue';
import { DefectsModule } from './defects/defects.module';
import { PUBLICATION_MIGRATIONS } from './migrations';
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
          topics: { events: 'publication.events', others: ['verification.events'] },
          // Verification's events are kept here for the projections to rebuild from; they are verification's to publish.
          publishedEvents: (event) => !isVerificationCopy(event),
          projections: DEFECT_CATALOGUE_PROJECTIONS,
        }),
        VerificationFeedModule,
        AccessModule,
        DefectsModule,
        ChangesModule,
      ],
    };
  }
}
