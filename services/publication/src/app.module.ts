import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { PUBLICATION_MIGRATIONS } from './migrations';
import { publicationDatabaseUrl, PublicationSettings } from './settings';

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
          topics: { events: 'publication.events' },
        }),
      ],
    };
  }
}
