import { Module } from '@nestjs/common';
import { CaseStoreModule } from '../case-store';
import { CasesFromIntake } from './cases-from-intake';
import { CasesFromIntakeConsumer } from './cases-from-intake.consumer';

/** Cases opened and changed from intake's events (consumer `verification.cases-from-intake`). */
@Module({
  imports: [CaseStoreModule],
  providers: [CasesFromIntake, CasesFromIntakeConsumer],
  exports: [CasesFromIntake],
})
export class CasesFromIntakeModule {}
