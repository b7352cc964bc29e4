import { CreatePartiesReadModel1731000000000 } from '../parties/parties.migration';

/** This service's own schema changes, in order; the platform's shared tables come first. */
export const INTAKE_MIGRATIONS: Array<new () => unknown> = [CreatePartiesReadModel1731000000000];
