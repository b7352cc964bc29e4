import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { metricsMeter, ObservableResult } from '@smi/telemetry';
import { DataSource } from 'typeorm';
import type { WebhookCatalogue } from './catalogue';
import { WEBHOOK_CATALOGUE } from './tokens';

/**
 * `webhook_deliveries{status}`: deliveries waiting to be sent (`pending`, due now or backing off) and dead-lettered
 * ones (`dead`, tried `WEBHOOK_MAX_ATTEMPTS` times; nothing sends them again until a subscriber or an operator
 * retries). Delivered rows are never counted: they only grow. Both counts read a partial index, so a scrape costs
 * the same however long the delivery log gets. No label names a party or a URL.
 */
@Injectable()
export class WebhookMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly gauge;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CATALOGUE) catalogue: WebhookCatalogue,
  ) {
    this.gauge = metricsMeter(catalogue.service).createObservableGauge('webhook_deliveries', {
      description: 'Webhook deliveries not yet delivered, by status: pending (to send or backing off) and dead (dead-lettered)',
    });
  }

  onModuleInit(): void {
    this.gauge.addCallback(this.observe);
  }

  // The registry is the process's and outlives the application: a closed one must not be asked again.
  onModuleDestroy(): void {
    this.gauge.removeCallback(this.observe);
  }

  private readonly observe = async (result: ObservableResult): Promise<void> => {
    const [row]: Array<{ pending: number; dead: number }> = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int AS pending,
              (SELECT count(*) FROM webhook_deliveries WHERE status = 'dead')::int AS dead`,
    );
    result.observe(row.pending, { status: 'pending' });
    result.observe(row.dead, { status: 'dead' });
  };
}
