import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { CaseActionsModule } from './case-actions/case-actions.module';
import { CaseQueueModule } from './case-queue/case-queue.module';
import { CaseStoreModule } from './case-store';
import { CatalogueModule } from './catalogue/catalogue.module';
import { VERIFICATION_MIGRATIONS } from './migrations';
import { PartiesModule } from './parties/parties.module';
import { verificationDatabaseUrl, VerificationSettings } from './settings';

@Module({})
export class AppModule {
  static register(settings: VerificationSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'verification',
          settings,
          databaseUrl: verificationDatabaseUrl(settings),
          migrations: VERIFICATION_MIGRATIONS,
          topics: { events: 'verification.events', others: ['intake.events'] },
        }),
        PartiesModule,
        CatalogueModule,
        CaseStoreModule,
        CaseActionsModule,
        CaseQueueModule,
      ],
    };
  }
}
