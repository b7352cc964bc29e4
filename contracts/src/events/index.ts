export * from './intake-events';
export * from './inventory-events';
export * from './verification-events';
export * from './publication-events';
export { EVENT_SCHEMAS, eventSchemaErrors, hasEventContract } from './event-schemas';
export * from './catalogue-events';
