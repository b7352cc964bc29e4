import { DynamicModule, Module } from '@nestjs/common';
import { CaseStoreModule } from '../case-store';
import { ChaseScheduler } from './chase.scheduler';
import { CHASING_OPTIONS, ChasingOptions } from './chasing-options';
import { OverdueWaits } from './overdue-waits';

/** Issue point 7: waits on a manufacturer or CSP become overdue once, after N working days (the clock and calendar come from CalendarModule). */
@Module({})
export class ChasingModule {
  static register(options: ChasingOptions): DynamicModule {
    return {
      module: ChasingModule,
      imports: [CaseStoreModule],
      providers: [{ provide: CHASING_OPTIONS, useValue: options }, OverdueWaits, ChaseScheduler],
      exports: [OverdueWaits, ChaseScheduler],
    };
  }
}
