import { Module } from '@nestjs/common';
import { PartiesModule } from '../parties/parties.module';
import { FixesController } from './fixes.controller';
import { FixesHandler } from './fixes.handler';

@Module({ imports: [PartiesModule], controllers: [FixesController], providers: [FixesHandler] })
export class FixesModule {}
