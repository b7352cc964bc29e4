export { AffectedDevicesModule } from './affected-devices.module';
export { inventoryDevicesProjection } from './inventory-devices.projection';
