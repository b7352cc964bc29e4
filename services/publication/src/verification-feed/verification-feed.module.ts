import { Module } from '@nestjs/common';
import { VerificationFeedConsumer } from './verification-feed.consumer';

/** verification.events, copied into publication's event store for its projections (defect-catalogue/). */
@Module({ providers: [VerificationFeedConsumer] })
export class VerificationFeedModule {}
