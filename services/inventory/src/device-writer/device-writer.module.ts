import { Module } from '@nestjs/common';
import { PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE, SERVICE_SETTINGS } from '@smi/service-runtime';
import { createDeviceDecider } from '../device-aggregate';
import { InventorySettings } from '../settings';
import { DeviceWriter } from './device-writer';

/** The write path every use case shares, deciding with the device decider as the settings configure it. */
@Module({
  providers: [
    {
      provide: DeviceWriter,
      inject: [EVENT_STORE, SERVICE_SETTINGS],
      useFactory: (store: PostgresEventStore, settings: InventorySettings) =>
        new DeviceWriter(store, createDeviceDecider({ type2InitialStatus: settings.INVENTORY_TYPE2_INITIAL_STATUS })),
    },
  ],
  exports: [DeviceWriter],
})
export class DeviceWriterModule {}
