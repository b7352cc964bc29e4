import { Module } from '@nestjs/common';
import { DeviceStoreModule } from '../device-store/device-store.module';
import { ServiceRequestsConsumer } from './service-requests.consumer';
import { ServiceRequestsController } from './service-requests.controller';
import { ServiceRequestsHandler } from './service-requests.handler';

@Module({
  imports: [DeviceStoreModule],
  controllers: [ServiceRequestsController],
  providers: [ServiceRequestsHandler, ServiceRequestsConsumer],
})
export class ServiceRequestsModule {}
