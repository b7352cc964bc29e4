import { Module } from '@nestjs/common';
import { AccessModule } from '../access';
import { ChangesController } from './changes.controller';
import { ChangesHandler } from './changes.handler';

/** The change feed of the published view. */
@Module({ imports: [AccessModule], controllers: [ChangesController], providers: [ChangesHandler] })
export class ChangesModule {}
