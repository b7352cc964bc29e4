import { Module } from '@nestjs/common';
import { PartiesModule } from '../parties/parties.module';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsHandler } from './submissions.handler';

@Module({ imports: [PartiesModule], controllers: [SubmissionsController], providers: [SubmissionsHandler] })
export class SubmissionsModule {}
