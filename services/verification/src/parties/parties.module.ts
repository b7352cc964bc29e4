import { Global, Module } from '@nestjs/common';
import { PARTY_DIRECTORY } from '@smi/auth';
import { partyDirectoryProvider } from '@smi/service-runtime';
import { KnownPartiesController } from './known-parties.controller';
import { PartyRegistryConsumer } from './party-registry.consumer';

// Global so that the platform's guard (registered by AuthModule) can check every token against the registry copy.
@Global()
@Module({
  controllers: [KnownPartiesController],
  providers: [PartyRegistryConsumer, partyDirectoryProvider('known_parties')],
  exports: [PARTY_DIRECTORY],
})
export class PartiesModule {}
