import { Module } from '@nestjs/common';
import { ItemsController } from './items.controller';
import { ItemsHandler } from './items.handler';

@Module({ controllers: [ItemsController], providers: [ItemsHandler] })
export class ItemsModule {}
