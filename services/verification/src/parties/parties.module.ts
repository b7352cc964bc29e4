import { Module } from '@nestjs/common';
import { KnownPartiesController } from './known-parties.controller';
import { PartyRegistryConsumer } from './party-registry.consumer';

@Module({ controllers: [KnownPartiesController], providers: [PartyRegistryConsumer] })
export class PartiesModule {}
