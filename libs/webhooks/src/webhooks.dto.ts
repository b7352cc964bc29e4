import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimit } from '@smi/service-runtime';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class SubscribeWebhookBody {
  @ApiProperty({ description: 'Where deliveries are POSTed: https (plain http only to loopback where the service allows it), no credentials', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ type: [String], description: 'Webhooks to receive: see GET /webhooks/offered', minItems: 1, maxItems: 20 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  events!: string[];
}

export class DeliveriesQuery {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'dead', 'cancelled'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'dead', 'cancelled'])
  status?: 'pending' | 'delivered' | 'dead' | 'cancelled';

  @PageLimit({ max: 500, default: 100 })
  limit?: number;
}

export class SubscriptionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) subscribedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) unsubscribedAt!: string | null;
}

export class CreatedSubscriptionView extends SubscriptionView {
  @ApiProperty({ description: 'Signs every delivery (X-SMI-Signature: sha256=HMAC-SHA256(secret, "<X-SMI-Timestamp>.<body>")). Shown this once only.' })
  secret!: string;
}

export class SubscriptionList {
  @ApiProperty({ type: [SubscriptionView] }) subscriptions!: SubscriptionView[];
}

export class OfferedWebhook {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Whether the caller’s party type may subscribe to it' }) available!: boolean;
}

export class OfferedWebhooks {
  @ApiProperty({ type: [OfferedWebhook] }) webhooks!: OfferedWebhook[];
}

export class AttemptView {
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'X-SMI-Delivery' }) deliveryId!: string;
  @ApiProperty() event!: string;
  @ApiProperty({ description: 'The envelope’s id' }) eventId!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead', 'cancelled'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deadLetteredAt!: string | null;
  @ApiProperty({ type: [AttemptView] }) history!: AttemptView[];
}

export class DeliveryLogView {
  @ApiProperty({ format: 'uuid' }) subscriptionId!: string;
  @ApiProperty({ type: [DeliveryView], description: 'Newest first' }) deliveries!: DeliveryView[];
}

export class RetriedDelivery {
  @ApiProperty({ format: 'uuid' }) deliveryId!: string;
  @ApiProperty({ enum: ['pending'] }) status!: string;
}
