/** This service's own schema changes, in order; the platform's shared tables come first. */
export const PUBLICATION_MIGRATIONS: Array<new () => unknown> = [];
