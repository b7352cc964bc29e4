import { Module } from '@nestjs/common';
import { PartiesController } from './parties.controller';
import { PartiesHandler } from './parties.handler';

@Module({ controllers: [PartiesController], providers: [PartiesHandler], exports: [PartiesHandler] })
export class PartiesModule {}
