import { CreateSmiReadModels1740000000000 } from '../device-store/smi-read-model.migration';

/** This service's own schema changes, in order; the platform's shared tables come first. */
export const INVENTORY_MIGRATIONS: Array<new () => unknown> = [CreateSmiReadModels1740000000000];
