import { Module } from '@nestjs/common';
import { AccessModule } from '../access';
import { DmcCheckController } from './dmc-check.controller';
import { DmcCheckHandler } from './dmc-check.handler';

/** The Device Model Combination check (issue 12 point 3). */
@Module({
  imports: [AccessModule],
  controllers: [DmcCheckController],
  providers: [DmcCheckHandler],
})
export class DmcCheckModule {}
