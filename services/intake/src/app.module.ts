import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@smi/service-runtime';
import { INTAKE_MIGRATIONS } from './migrations';
import { PartiesModule } from './parties/parties.module';
import { registryOverviewProjection } from './parties/registry-overview.projection';
import { intakeDatabaseUrl, IntakeSettings } from './settings';

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
          projections: [registryOverviewProjection],
        }),
        PartiesModule,
      ],
    };
  }
}
