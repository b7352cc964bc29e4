import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

export interface AttemptView {
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface DeliveryView {
  deliveryId: string;
  event: string;
  /** The envelope's id: the source event's (or feed entry's). */
  eventId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  deadLetteredAt: string | null;
  history: AttemptView[];
}

interface DeliveryRow {
  delivery_id: string;
  event: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
  dead_at: Date | null;
  history: Array<{ attempt: number; started_at: string; duration_ms: number; status_code: number | null; error: string | null }>;
}

/** One subscription's deliveries, newest first: callers check who may read it (WebhooksController). */
@Injectable()
export class DeliveryLog {
  constructor(private readonly dataSource: DataSource) {}

  async of(subscriptionId: string, options: { status?: DeliveryStatus; limit: number }): Promise<DeliveryView[]> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT d.delivery_id, d.event, (d.body::jsonb)->>'id' AS event_id, d.status, d.attempts, d.last_status_code, d.last_error,
              d.next_attempt_at, d.created_at, d.delivered_at, d.dead_at,
              COALESCE((SELECT json_agg(a ORDER BY a.attempt) FROM webhook_delivery_attempts a WHERE a.delivery_id = d.delivery_id), '[]'::json) AS history
         FROM webhook_deliveries d
        WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)
        ORDER BY d.created_at DESC, d.delivery_id
        LIMIT $3`,
      [subscriptionId, options.status ?? null, options.limit],
    );
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      event: row.event,
      eventId: row.event_id,
      status: row.status,
      attempts: row.attempts,
      lastStatusCode: row.last_status_code,
      lastError: row.last_error,
      nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      deliveredAt: row.delivered_at?.toISOString() ?? null,
      deadLetteredAt: row.dead_at?.toISOString() ?? null,
      history: row.history.map((a) => ({ attempt: a.attempt, at: new Date(a.started_at).toISOString(), durationMs: a.duration_ms, statusCode: a.status_code, error: a.error })),
    }));
  }

  /** The subscription a delivery belongs to, or null. */
  async subscriptionOf(deliveryId: string): Promise<string | null> {
    const rows: Array<{ subscription_id: string }> = await this.dataSource.query(`SELECT subscription_id FROM webhook_deliveries WHERE delivery_id = $1`, [deliveryId]);
    return rows[0]?.subscription_id ?? null;
  }
}
