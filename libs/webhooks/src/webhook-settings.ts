import type { CommonSettings } from '@smi/config';

/** The webhook settings every service reads from its CommonSettings (defaults there). */
export type WebhookSettings = Pick<
  CommonSettings,
  | 'WEBHOOK_MAX_ATTEMPTS'
  | 'WEBHOOK_ATTEMPT_TIMEOUT_MS'
  | 'WEBHOOK_BACKOFF_BASE_MS'
  | 'WEBHOOK_BACKOFF_MAX_MS'
  | 'WEBHOOK_DISPATCH_INTERVAL_MS'
  | 'WEBHOOK_ALLOW_LOOPBACK_HTTP'
  | 'WEBHOOK_MAX_SUBSCRIPTIONS_PER_PARTY'
  | 'NODE_ENV'
>;
