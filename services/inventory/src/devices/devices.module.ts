import { Module } from '@nestjs/common';
import { DeviceStoreModule } from '../device-store/device-store.module';
import { DevicesController } from './devices.controller';
import { DevicesQueries } from './devices.queries';

@Module({ imports: [DeviceStoreModule], controllers: [DevicesController], providers: [DevicesQueries], exports: [DevicesQueries] })
export class DevicesModule {}
