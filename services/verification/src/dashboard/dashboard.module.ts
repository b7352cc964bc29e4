import { Module } from '@nestjs/common';
import { CaseMetrics } from './case-metrics';
import { CaseStatsController } from './case-stats.controller';
import { CaseStatsReader } from './case-stats.reader';

/**
 * Issue point 10: the DCC's dashboard. Its read model, `caseStatsProjection`, is registered with the platform's
 * projection runner by the root module (asynchronous, rebuilt through /ops/projections/case_stats/rebuild).
 */
@Module({
  controllers: [CaseStatsController],
  providers: [CaseStatsReader, CaseMetrics],
})
export class DashboardModule {}
