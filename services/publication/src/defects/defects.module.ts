import { Module } from '@nestjs/common';
import { AccessModule } from '../access';
import { DefectsController } from './defects.controller';
import { DefectsHandler } from './defects.handler';

/** Search and items of the defects database (R1, R6, R7). */
@Module({
  imports: [AccessModule],
  controllers: [DefectsController],
  providers: [DefectsHandler],
})
export class DefectsModule {}
