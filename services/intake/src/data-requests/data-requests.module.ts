import { DynamicModule, Module } from '@nestjs/common';
import { PartiesModule } from '../parties/parties.module';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { BANK_HOLIDAYS, CLOCK, DATA_REQUESTS_OPTIONS, DataRequestsOptions, SYSTEM_CLOCK } from './clock';
import { DataRequestMetrics } from './data-request-metrics';
import { DataRequestsController } from './data-requests.controller';
import { DataRequestsHandler } from './data-requests.handler';
import { OverdueScheduler } from './overdue.scheduler';
import { SubmissionFulfilmentReaction } from './submission-fulfilment.reaction';

/** Data requests to manufacturers and CSPs: issue, fulfilment by a submission, overdue after 15 working days. */
@Module({})
export class DataRequestsModule {
  static register(options: DataRequestsOptions): DynamicModule {
    return {
      module: DataRequestsModule,
      imports: [PartiesModule],
      controllers: [DataRequestsController],
      providers: [
        { provide: DATA_REQUESTS_OPTIONS, useValue: options },
        { provide: CLOCK, useValue: options.clock ?? SYSTEM_CLOCK },
        { provide: BANK_HOLIDAYS, useValue: new EnglandAndWalesBankHolidays() },
        DataRequestsHandler,
        OverdueScheduler,
        SubmissionFulfilmentReaction,
        DataRequestMetrics,
      ],
      exports: [DataRequestsHandler, OverdueScheduler, CLOCK],
    };
  }
}
