import { Module } from '@nestjs/common';
import { CaseQueueController } from './case-queue.controller';
import { CaseQueueHandler } from './case-queue.handler';

/** The DCC's queue of cases and one case with its history, read from the `cases` rows and the case streams. */
@Module({
  controllers: [CaseQueueController],
  providers: [CaseQueueHandler],
})
export class CaseQueueModule {}
