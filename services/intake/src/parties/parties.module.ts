import { Global, Module } from '@nestjs/common';
import { PARTY_DIRECTORY } from '@smi/auth';
import { partyDirectoryProvider } from '@smi/service-runtime';
import { PartiesController } from './parties.controller';
import { PartiesHandler } from './parties.handler';

// Global so that the platform's guard (registered by AuthModule) can check every token against the registry.
@Global()
@Module({
  controllers: [PartiesController],
  providers: [PartiesHandler, partyDirectoryProvider('parties')],
  exports: [PartiesHandler, PARTY_DIRECTORY],
})
export class PartiesModule {}
