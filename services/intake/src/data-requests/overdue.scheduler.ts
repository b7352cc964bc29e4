import { Inject, Injectable } from '@nestjs/common';
import { SingleInstanceSweep } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { DATA_REQUESTS_OPTIONS, DataRequestsOptions } from './clock';
import { DataRequestsHandler } from './data-requests.handler';

/**
 * Looks for open data requests whose 15 working days have run out, every INTAKE_OVERDUE_CHECK_INTERVAL_MS and
 * once at start-up, and records them overdue (the request ids marked). One instance sweeps at a time; the
 * decider keeps it correct even without the lock.
 */
@Injectable()
export class OverdueScheduler extends SingleInstanceSweep<string[]> {
  constructor(
    private readonly dataRequests: DataRequestsHandler,
    dataSource: DataSource,
    @Inject(DATA_REQUESTS_OPTIONS) options: DataRequestsOptions,
  ) {
    super(dataSource, { lockName: 'intake.data-requests.overdue-check', intervalMs: options.overdueCheckIntervalMs, nothing: () => [] });
  }

  protected sweep(): Promise<string[]> {
    return this.dataRequests.markOverdueRequests();
  }
}
