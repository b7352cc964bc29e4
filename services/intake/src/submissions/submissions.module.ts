import { Module } from '@nestjs/common';
import { PartiesModule } from '../parties/parties.module';
import { SubmissionsController } from './upload/submissions.controller';
import { SubmissionsHandler } from './upload/submissions.handler';

@Module({ imports: [PartiesModule], controllers: [SubmissionsController], providers: [SubmissionsHandler] })
export class SubmissionsModule {}
