import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_SETTINGS, SingleInstanceSweep } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { backoffDelayMs } from './backoff';
import type { WebhookCatalogue, WebhookEventSpec } from './catalogue';
import { envelopeSource, queueDeliveries } from './delivery-queue';
import { signWebhook } from './signing';
import { WEBHOOK_CATALOGUE } from './tokens';
import type { WebhookSettings } from './webhook-settings';

export interface DispatchReport {
  /** Feed entries read this sweep. */
  feedEntries: number;
  attempted: number;
  delivered: number;
  deadLettered: number;
}

interface DueRow {
  delivery_id: string;
  event: string;
  body: string;
  round_attempts: number;
  url: string;
  secret: string;
}

interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  startedAt: Date;
  durationMs: number;
}

const FEED_PAGE = 200;
const DUE_PAGE = 16;
/** Bounds one sweep, so a long queue is worked through over several sweeps and the lock changes hands. */
const MAX_ROUNDS = 50;
/** What a log line or the delivery log keeps of an error. */
const ERROR_TEXT_MAX = 500;

/**
 * Sends the queued deliveries, on one instance at a time (the sweep's advisory lock; the others find it taken):
 * each sweep first reads the feeds the catalogue tails into the queue, then posts every due delivery, signed, with a
 * per-attempt timeout. A 2xx delivers it; anything else (another status, a redirect, a timeout, a refused
 * connection) schedules the next attempt after an exponential backoff with jitter, and the attempt that reaches
 * WEBHOOK_MAX_ATTEMPTS dead-letters it (runbook: how to send it again). Each attempt's result and the delivery's new
 * state are stored in one transaction; a crash between the receiver's answer and that commit sends it once more,
 * with the same X-SMI-Delivery id, which is what receivers drop repeats by.
 */
@Injectable()
export class WebhookDispatcher extends SingleInstanceSweep<DispatchReport> {
  private readonly feeds: WebhookEventSpec[];

  constructor(
    private readonly db: DataSource,
    @Inject(SERVICE_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(WEBHOOK_CATALOGUE) private readonly catalogue: WebhookCatalogue,
  ) {
    super(db, {
      lockName: 'webhooks:dispatch',
      intervalMs: settings.WEBHOOK_DISPATCH_INTERVAL_MS,
      nothing: () => ({ feedEntries: 0, attempted: 0, delivered: 0, deadLettered: 0 }),
    });
    this.feeds = catalogue.events.filter((spec) => spec.feed !== undefined);
  }

  protected async sweep(): Promise<DispatchReport> {
    const report: DispatchReport = { feedEntries: await this.tailFeeds(), attempted: 0, delivered: 0, deadLettered: 0 };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const due: DueRow[] = await this.db.query(
        `SELECT d.delivery_id, d.event, d.body, d.round_attempts, s.url, s.secret
           FROM webhook_deliveries d JOIN webhook_subscriptions s USING (subscription_id)
          WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND s.active
          ORDER BY d.next_attempt_at, d.delivery_id
          LIMIT ${DUE_PAGE}`,
      );
      if (due.length === 0) break;
      const outcomes = await Promise.all(due.map(async (row) => ({ row, outcome: await this.attempt(row) })));
      for (const { row, outcome } of outcomes) {
        const state = await this.record(row, outcome);
        report.attempted++;
        if (state === 'delivered') report.delivered++;
        if (state === 'dead') {
          report.deadLettered++;
          this.logger.warn({ msg: 'webhook delivery dead-lettered', deliveryId: row.delivery_id, event: row.event, attempts: row.round_attempts + 1, lastError: outcome.error, lastStatus: outcome.statusCode });
        }
      }
    }
    return report;
  }

  /** Sends a dead-lettered delivery again from its first attempt (the runbook's retry); false when it is not dead. */
  async retry(deliveryId: string): Promise<boolean> {
    const retried =
      updatedRows(
        await this.db.query(
          `UPDATE webhook_deliveries SET status = 'pending', round_attempts = 0, next_attempt_at = now(), dead_at = NULL
            WHERE delivery_id = $1 AND status = 'dead' RETURNING delivery_id`,
          [deliveryId],
        ),
      ).length > 0;
    if (retried) void this.checkNow();
    return retried;
  }

  private async tailFeeds(): Promise<number> {
    let read = 0;
    for (const spec of this.feeds) {
      for (;;) {
        const count = await this.db.transaction(async (manager) => {
          await manager.query(`INSERT INTO webhook_feed_checkpoints (feed, cursor) VALUES ($1, '') ON CONFLICT (feed) DO NOTHING`, [spec.name]);
          const [{ cursor }]: Array<{ cursor: string }> = await manager.query(`SELECT cursor FROM webhook_feed_checkpoints WHERE feed = $1 FOR UPDATE`, [spec.name]);
          const entries = await spec.feed!.read(manager, cursor === '' ? null : cursor, FEED_PAGE);
          for (const entry of entries) {
            await queueDeliveries(manager, spec, {
              key: `feed:${entry.key}`,
              transactionId: entry.transactionId,
              position: entry.position,
              envelope: {
                specversion: '1.0',
                id: entry.key,
                type: spec.name,
                source: envelopeSource(this.catalogue.service),
                ...(entry.subject === undefined ? {} : { subject: entry.subject }),
                time: entry.time,
                datacontenttype: 'application/json',
                data: entry.data,
              },
            });
          }
          if (entries.length > 0) await manager.query(`UPDATE webhook_feed_checkpoints SET cursor = $2 WHERE feed = $1`, [spec.name, entries[entries.length - 1].cursor]);
          return entries.length;
        });
        read += count;
        if (count < FEED_PAGE) break;
      }
    }
    return read;
  }

  private async attempt(row: DueRow): Promise<AttemptOutcome> {
    const startedAt = new Date();
    const timestamp = String(Math.floor(startedAt.getTime() / 1000));
    const outcome = (ok: boolean, statusCode: number | null, error: string | null): AttemptOutcome => ({ ok, statusCode, error, startedAt, durationMs: Date.now() - startedAt.getTime() });
    try {
      const response = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `smi-webhooks/${this.catalogue.service}`,
          'x-smi-signature': signWebhook(row.secret, timestamp, row.body),
          'x-smi-timestamp': timestamp,
          'x-smi-delivery': row.delivery_id,
          'x-smi-event': row.event,
        },
        body: row.body,
        // A redirect is a failure, not followed: the subscriber registered this URL, and following would let it point
        // our signed requests anywhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.WEBHOOK_ATTEMPT_TIMEOUT_MS),
      });
      // The answer's body is not read: only the status counts, and a receiver cannot make us hold a large one.
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return outcome(ok, response.status, ok ? null : `answered ${response.status}`);
    } catch (error) {
      return outcome(false, null, describeFailure(error, this.settings.WEBHOOK_ATTEMPT_TIMEOUT_MS));
    }
  }

  private async record(row: DueRow, outcome: AttemptOutcome): Promise<'delivered' | 'dead' | 'pending' | 'gone'> {
    const round = row.round_attempts + 1;
    const dead = !outcome.ok && round >= this.settings.WEBHOOK_MAX_ATTEMPTS;
    const delayMs = outcome.ok || dead ? null : backoffDelayMs(round, { baseMs: this.settings.WEBHOOK_BACKOFF_BASE_MS, maxMs: this.settings.WEBHOOK_BACKOFF_MAX_MS });
    const status = outcome.ok ? 'delivered' : dead ? 'dead' : 'pending';
    return this.db.transaction(async (manager) => {
      // Still pending: a subscription removed while the attempt was in flight keeps its cancellation.
      const updated = updatedRows<{ attempts: number }>(
        await manager.query(
        `UPDATE webhook_deliveries
            SET attempts = attempts + 1, round_attempts = $2, status = $3, last_status_code = $4, last_error = $5,
                next_attempt_at = CASE WHEN $6::bigint IS NULL THEN NULL ELSE now() + $6::bigint * interval '1 millisecond' END,
                delivered_at = CASE WHEN $3 = 'delivered' THEN now() END,
                dead_at = CASE WHEN $3 = 'dead' THEN now() END
          WHERE delivery_id = $1 AND status = 'pending'
          RETURNING attempts`,
          [row.delivery_id, round, status, outcome.statusCode, outcome.error, delayMs],
        ),
      );
      const attempts = updated[0]?.attempts;
      if (attempts === undefined) return 'gone';
      await manager.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.delivery_id, attempts, outcome.startedAt, outcome.durationMs, outcome.statusCode, outcome.error],
      );
      return status;
    });
  }
}

/** TypeORM answers an UPDATE on PostgreSQL with `[rows, rowCount]`, other statements with the rows. */
function updatedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error);
  return `not delivered: ${cause}`.slice(0, ERROR_TEXT_MAX);
}
