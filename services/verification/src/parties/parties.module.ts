import { Global, Module } from '@nestjs/common';
import { PARTY_DIRECTORY } from '@smi/auth';
import { partyDirectoryProvider } from '@smi/service-runtime';
import { CaseStoreModule } from '../case-store';
import { AccountableReassignment } from './accountable-reassignment';
import { KnownPartiesController } from './known-parties.controller';
import { PartyRegistryConsumer } from './party-registry.consumer';

// Global so that the platform's guard (registered by AuthModule) can check every token against the registry copy.
@Global()
@Module({
  imports: [CaseStoreModule],
  controllers: [KnownPartiesController],
  providers: [PartyRegistryConsumer, AccountableReassignment, partyDirectoryProvider('known_parties')],
  exports: [PARTY_DIRECTORY],
})
export class PartiesModule {}
