import { inventoryDevicesProjection } from './affected-devices';
import { DATA_SUPPLY_PROJECTIONS } from './data-supply';
import { DEFECT_CATALOGUE_PROJECTIONS } from './defect-catalogue';

/**
 * Every read model of this service, registered with the platform's projection runner: the defects database's, from
 * the copies of verification's events, and the device read model of affected devices, from the copies of the
 * inventory's, and what releases need of intake's (parties, data requests, submissions received). All rebuildable
 * from publication's own event store.
 */
export const PUBLICATION_PROJECTIONS = [...DEFECT_CATALOGUE_PROJECTIONS, inventoryDevicesProjection, ...DATA_SUPPLY_PROJECTIONS];
