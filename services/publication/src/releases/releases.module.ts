import { DynamicModule, Module } from '@nestjs/common';
import { ReleaseCutHandler } from './release-cut.handler';
import { ReleaseDueScheduler } from './release-due.scheduler';
import { ReleaseExports } from './release-exports';
import { ReleaseMetrics } from './release-metrics';
import { ReleaseRowsSource } from './release-rows.source';
import { ReleasesController } from './releases.controller';
import { RELEASES_OPTIONS, ReleasesOptions } from './releases-options';
import { ReleasesQueries } from './releases.queries';

/** Issue 12 point 7: quarterly releases, their two editions and downloads, and ReleaseDue. */
@Module({})
export class ReleasesModule {
  static register(options: ReleasesOptions): DynamicModule {
    return {
      module: ReleasesModule,
      controllers: [ReleasesController],
      providers: [{ provide: RELEASES_OPTIONS, useValue: options }, ReleaseCutHandler, ReleasesQueries, ReleaseRowsSource, ReleaseExports, ReleaseDueScheduler, ReleaseMetrics],
      exports: [ReleaseCutHandler, ReleaseDueScheduler, ReleaseRowsSource],
    };
  }
}
