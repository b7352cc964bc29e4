import { Module } from '@nestjs/common';
import { BulkCorrectionThread } from './bulk-correction-thread';
import { BulkCorrectionsController } from './bulk-corrections.controller';
import { BULK_CORRECTION_WAKER, BulkCorrectionsHandler } from './bulk-corrections.handler';
import { BulkCorrectionsQueries } from './bulk-corrections.queries';

/** Bulk correction of ESME Variants: upload, background job (in its own thread), progress and per-row results. */
@Module({
  controllers: [BulkCorrectionsController],
  providers: [BulkCorrectionThread, { provide: BULK_CORRECTION_WAKER, useExisting: BulkCorrectionThread }, BulkCorrectionsHandler, BulkCorrectionsQueries],
})
export class BulkCorrectionsModule {}
