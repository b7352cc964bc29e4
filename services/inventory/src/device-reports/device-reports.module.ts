import { Module } from '@nestjs/common';
import { DeviceStoreModule } from '../device-store/device-store.module';
import { DevicesModule } from '../devices/devices.module';
import { DeviceReportsConsumer } from './device-reports.consumer';
import { DeviceReportsController } from './device-reports.controller';
import { DeviceReportsHandler } from './device-reports.handler';

@Module({
  imports: [DeviceStoreModule, DevicesModule],
  controllers: [DeviceReportsController],
  providers: [DeviceReportsHandler, DeviceReportsConsumer],
})
export class DeviceReportsModule {}
