import { Module } from '@nestjs/common';
import { CaseWriter } from './case-writer';

/** The cases' write path and read-model rows, shared by every case use case (intake's events, the DCC's actions, chasing). */
@Module({
  providers: [CaseWriter],
  exports: [CaseWriter],
})
export class CaseStoreModule {}
