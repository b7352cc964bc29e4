export { FeedEntry, MessageContext, Subscriber, WebhookCatalogue, WebhookEventSpec, WebhookFeed, WebhookMessage } from './catalogue';
export {
  SubscribeWebhook,
  UnsubscribeWebhook,
  WEBHOOK_EVENT_TYPES,
  WebhookCommand,
  WebhookEvent,
  WebhookOffer,
  WebhookSubscribed,
  WebhookSubscriptionState,
  WebhookUnsubscribed,
  webhookStreamId,
  webhookSubscriptionDecider,
} from './subscription.decider';
export { urlProblem } from './subscription-url';
export { WEBHOOK_HEADERS, newWebhookSecret, secretFingerprint, signWebhook, verifyWebhookSignature, SignatureCheck } from './signing';
export { backoffDelayMs, BackoffSettings } from './backoff';
export { WebhookEnvelope } from './delivery-queue';
export { WEBHOOK_REACTION_NAME } from './webhook-reaction';
export { DispatchReport, WebhookDispatcher } from './webhook-dispatcher';
export { isWebhookEvent, WebhookSubscriptions } from './webhook-subscriptions';
export { WebhooksModule } from './webhooks.module';
export { CreateWebhooks1790000000000, IndexDeadWebhookDeliveries1790000000200, WEBHOOK_MIGRATIONS } from './migrations';
