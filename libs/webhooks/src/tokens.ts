/** The service's WebhookCatalogue, provided by WebhooksModule.register. */
export const WEBHOOK_CATALOGUE = Symbol('WEBHOOK_CATALOGUE');
