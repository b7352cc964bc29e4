import { Inject, Injectable } from '@nestjs/common';
import { SingleInstanceSweep } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { CHASING_OPTIONS, ChasingOptions } from './chasing-options';
import { OverdueWaits } from './overdue-waits';

/**
 * Looks for waits on manufacturers and CSPs whose working days have run out, every
 * VERIFICATION_CHASE_CHECK_INTERVAL_MS and once at start-up, and records them overdue (the ids of the cases
 * marked). One instance sweeps at a time; OverdueWaits stays correct even without the lock.
 */
@Injectable()
export class ChaseScheduler extends SingleInstanceSweep<string[]> {
  constructor(
    private readonly overdueWaits: OverdueWaits,
    dataSource: DataSource,
    @Inject(CHASING_OPTIONS) options: ChasingOptions,
  ) {
    super(dataSource, { lockName: 'verification.chasing.overdue-check', intervalMs: options.checkIntervalMs, nothing: () => [] });
  }

  protected sweep(): Promise<string[]> {
    return this.overdueWaits.markOverdue();
  }
}
