import { Module } from '@nestjs/common';
import { PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE, SERVICE_SETTINGS } from '@smi/service-runtime';
import { createDeviceDecider } from '../device/device.decider';
import { InventorySettings } from '../settings';
import { DeviceDecider, DeviceWriter } from './device-writer';

export const DEVICE_DECIDER = Symbol('DEVICE_DECIDER');

/** The device decider as configured by the settings, and the write path every use case shares. */
@Module({
  providers: [
    {
      provide: DEVICE_DECIDER,
      inject: [SERVICE_SETTINGS],
      useFactory: (settings: InventorySettings): DeviceDecider => createDeviceDecider({ type2InitialStatus: settings.INVENTORY_TYPE2_INITIAL_STATUS }),
    },
    {
      provide: DeviceWriter,
      inject: [EVENT_STORE, DEVICE_DECIDER],
      useFactory: (store: PostgresEventStore, decider: DeviceDecider) => new DeviceWriter(store, decider),
    },
  ],
  exports: [DEVICE_DECIDER, DeviceWriter],
})
export class DeviceStoreModule {}
