import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor, PartyType } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { CorrelationId, uuidParam } from '@smi/service-runtime';
import type { WebhookCatalogue } from './catalogue';
import { DeliveryLog } from './delivery-log';
import { WEBHOOK_CATALOGUE } from './tokens';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSubscriptions } from './webhook-subscriptions';
import {
  CreatedSubscriptionView,
  DeliveriesQuery,
  DeliveryLogView,
  OfferedWebhooks,
  RetriedDelivery,
  SubscribeWebhookBody,
  SubscriptionList,
  SubscriptionView,
} from './webhooks.dto';

/**
 * The webhook API of one service, for the party types its catalogue offers webhooks to and DCC (whose operators
 * read every delivery log). A subscription, its log and its deliveries are answered as absent (404) to any other
 * party: whether another party subscribed is not the caller's to learn.
 */
export function webhooksController(partyTypes: PartyType[]): Type<unknown> {
  @ApiTags('webhooks')
  @Controller('webhooks')
  @Authorize({ partyTypes })
  class WebhooksController {
    constructor(
      private readonly subscriptions: WebhookSubscriptions,
      private readonly log: DeliveryLog,
      private readonly dispatcher: WebhookDispatcher,
      @Inject(WEBHOOK_CATALOGUE) private readonly catalogue: WebhookCatalogue,
    ) {}

    @Post()
    @ApiOperation({ summary: 'Subscribe a URL to webhooks of this service; the answer holds the signing secret, shown once' })
    @ApiCreatedResponse({ type: CreatedSubscriptionView })
    subscribe(@Body() body: SubscribeWebhookBody, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<CreatedSubscriptionView> {
      return this.subscriptions.subscribe(actor, body, correlationId);
    }

    @Get()
    @ApiOperation({ summary: "The caller's own subscriptions (without their secrets)" })
    @ApiOkResponse({ type: SubscriptionList })
    async list(@CurrentActor() actor: Actor): Promise<SubscriptionList> {
      return { subscriptions: await this.subscriptions.listOwn(actor) };
    }

    @Get('offered')
    @ApiOperation({ summary: 'The webhooks this service offers, and which the caller may subscribe to' })
    @ApiOkResponse({ type: OfferedWebhooks })
    offered(@CurrentActor() actor: Actor): OfferedWebhooks {
      return { webhooks: this.catalogue.events.map((spec) => ({ name: spec.name, description: spec.description, available: spec.partyTypes.includes(actor.partyType) })) };
    }

    @Get(':id')
    @ApiOperation({ summary: 'One subscription: its party’s, or any for a DCC operator' })
    @ApiOkResponse({ type: SubscriptionView })
    async one(@Param('id', uuidParam('id')) id: string, @CurrentActor() actor: Actor): Promise<SubscriptionView> {
      return this.visible(actor, id);
    }

    @Delete(':id')
    @HttpCode(204)
    @ApiOperation({ summary: 'Remove a subscription: nothing more is sent, pending deliveries are cancelled, the log stays' })
    @ApiNoContentResponse()
    async unsubscribe(@Param('id', uuidParam('id')) id: string, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<void> {
      await this.subscriptions.unsubscribe(actor, id, correlationId);
    }

    @Get(':id/deliveries')
    @ApiOperation({ summary: 'The delivery log of a subscription: attempts, status codes, the next attempt, dead letters' })
    @ApiOkResponse({ type: DeliveryLogView })
    async deliveries(@Param('id', uuidParam('id')) id: string, @Query() query: DeliveriesQuery, @CurrentActor() actor: Actor): Promise<DeliveryLogView> {
      await this.visible(actor, id);
      return { subscriptionId: id, deliveries: await this.log.of(id, { status: query.status, limit: query.limit ?? 100 }) };
    }

    @Post(':id/deliveries/:deliveryId/retry')
    @HttpCode(202)
    @ApiOperation({ summary: 'Send a dead-lettered delivery again, with a fresh round of attempts (runbook: webhooks)' })
    @ApiOkResponse({ type: RetriedDelivery })
    async retry(
      @Param('id', uuidParam('id')) id: string,
      @Param('deliveryId', uuidParam('deliveryId')) deliveryId: string,
      @CurrentActor() actor: Actor,
    ): Promise<RetriedDelivery> {
      await this.visible(actor, id);
      if ((await this.log.subscriptionOf(deliveryId)) !== id) throw new NotFoundException(`subscription ${id} has no delivery ${deliveryId}`);
      if (!(await this.dispatcher.retry(deliveryId))) {
        throw new DomainError('WEBHOOK_DELIVERY_CONFLICT', 'only a dead-lettered delivery is sent again', { field: 'deliveryId' });
      }
      return { deliveryId, status: 'pending' };
    }

    private async visible(actor: Actor, id: string): Promise<SubscriptionView> {
      const found = await this.subscriptions.visibleTo(actor, id);
      if (!found) throw new NotFoundException(`no subscription ${id}`);
      return found;
    }
  }
  return WebhooksController;
}
