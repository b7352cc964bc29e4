import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsHandler } from './reports.handler';

@Module({ controllers: [ReportsController], providers: [ReportsHandler] })
export class ReportsModule {}
