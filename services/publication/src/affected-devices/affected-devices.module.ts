import { Module } from '@nestjs/common';
import { AffectedDevicesController } from './affected-devices.controller';
import { AffectedDevicesHandler } from './affected-devices.handler';

/** Affected devices: the inventory's devices that match published items (issue 12 point 4). */
@Module({
  controllers: [AffectedDevicesController],
  providers: [AffectedDevicesHandler],
})
export class AffectedDevicesModule {}
