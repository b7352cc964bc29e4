import { Module } from '@nestjs/common';
import { DeviceStoreModule } from '../device-store/device-store.module';
import { BulkCorrectionWorker } from './bulk-correction.worker';
import { BulkCorrectionsController } from './bulk-corrections.controller';
import { BulkCorrectionsHandler } from './bulk-corrections.handler';
import { BulkCorrectionsQueries } from './bulk-corrections.queries';

/** Bulk correction of ESME Variants: upload, background job, progress and per-row results. */
@Module({
  imports: [DeviceStoreModule],
  controllers: [BulkCorrectionsController],
  providers: [BulkCorrectionWorker, BulkCorrectionsHandler, BulkCorrectionsQueries],
})
export class BulkCorrectionsModule {}
