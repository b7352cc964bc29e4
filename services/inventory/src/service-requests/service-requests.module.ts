import { Module } from '@nestjs/common';
import { DeviceWriterModule } from '../device-writer/device-writer.module';
import { ServiceRequestsConsumer } from './service-requests.consumer';
import { ServiceRequestsController } from './service-requests.controller';
import { ServiceRequestsHandler } from './service-requests.handler';

@Module({
  imports: [DeviceWriterModule],
  controllers: [ServiceRequestsController],
  providers: [ServiceRequestsHandler, ServiceRequestsConsumer],
})
export class ServiceRequestsModule {}
