import { Module } from '@nestjs/common';
import { NetworkAccessController } from './network-access.controller';
import { NetworkAccessHandler } from './network-access.handler';
import { ReaderAccess } from './reader-access';

/** Who reads the defects database (R7): the audience of each caller, and DCC's list of network parties. */
@Module({
  controllers: [NetworkAccessController],
  providers: [NetworkAccessHandler, ReaderAccess],
  exports: [ReaderAccess],
})
export class AccessModule {}
