import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { metricsMeter, ObservableResult } from '@smi/telemetry';
import { DataSource } from 'typeorm';

const STATUSES = ['open', 'fulfilled', 'overdue'] as const;

/**
 * `intake_data_requests{status}`: the data requests by status, from the `data_requests` read model when Prometheus
 * scrapes (one grouped count; every status reported, at 0 too, so an alert on overdue requests sees the series).
 * Overdue is what the overdue sweep has recorded (15 working days, docs/domain.md), not recomputed here.
 */
@Injectable()
export class DataRequestMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly gauge = metricsMeter('intake').createObservableGauge('intake_data_requests', {
    description: 'Data requests to manufacturers and CSPs, by status (overdue: past their 15 working days)',
  });

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.gauge.addCallback(this.observe);
  }

  // The registry outlives the application (it is the process's): a closed one must not be asked again.
  onModuleDestroy(): void {
    this.gauge.removeCallback(this.observe);
  }

  private readonly observe = async (result: ObservableResult): Promise<void> => {
    const rows: Array<{ status: string; count: number }> = await this.dataSource.query(`SELECT status, count(*)::int AS count FROM data_requests GROUP BY status`);
    for (const status of STATUSES) result.observe(rows.find((row) => row.status === status)?.count ?? 0, { status });
  };
}
