import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { PartyType } from '@smi/auth';
import { PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE, PlatformLifecycle, SERVICE_SETTINGS } from '@smi/service-runtime';
import type { WebhookCatalogue } from './catalogue';
import { DeliveryLog } from './delivery-log';
import { WEBHOOK_CATALOGUE } from './tokens';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookMetrics } from './webhook-metrics';
import { webhookReaction } from './webhook-reaction';
import type { WebhookSettings } from './webhook-settings';
import { WebhookSubscriptions } from './webhook-subscriptions';
import { webhooksController } from './webhooks.controller';

/** Puts the catalogue's stored-event webhooks on the projection runner before it starts. */
@Injectable()
class WebhookReactionRegistration implements OnModuleInit {
  constructor(
    private readonly lifecycle: PlatformLifecycle,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(WEBHOOK_CATALOGUE) private readonly catalogue: WebhookCatalogue,
    @Inject(SERVICE_SETTINGS) settings: WebhookSettings,
  ) {
    if (settings.NODE_ENV === 'production' && settings.WEBHOOK_ALLOW_LOOPBACK_HTTP) {
      throw new Error('WEBHOOK_ALLOW_LOOPBACK_HTTP is for tests and local receivers; it is refused when NODE_ENV=production');
    }
  }

  onModuleInit(): void {
    const reaction = webhookReaction(this.catalogue, this.store);
    if (reaction) this.lifecycle.addReaction(reaction);
  }
}

/**
 * Webhooks for one service: `POST/GET/DELETE /webhooks`, the delivery log, the reaction that queues deliveries from
 * stored events and the single-instance dispatcher. The service also lists WEBHOOK_MIGRATIONS and leaves
 * `isWebhookEvent` events out of what its relay publishes (docs/adr/0009-webhooks.md).
 */
@Module({})
export class WebhooksModule {
  static register(catalogue: WebhookCatalogue): DynamicModule {
    const partyTypes = [...new Set<PartyType>(['dcc', ...catalogue.events.flatMap((spec) => spec.partyTypes)])];
    return {
      module: WebhooksModule,
      controllers: [webhooksController(partyTypes)],
      providers: [{ provide: WEBHOOK_CATALOGUE, useValue: catalogue }, WebhookSubscriptions, DeliveryLog, WebhookDispatcher, WebhookReactionRegistration, WebhookMetrics],
      exports: [WebhookDispatcher, WebhookSubscriptions],
    };
  }
}
