import { Module } from '@nestjs/common';
import { IntakeFeedConsumer } from './intake-feed.consumer';

/** What releases need of intake.events, copied into publication's event store for its projections (data-supply/). */
@Module({ providers: [IntakeFeedConsumer] })
export class IntakeFeedModule {}
