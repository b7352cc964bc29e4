export * from './intake-events';
export { EVENT_SCHEMAS, eventSchemaErrors, hasEventContract } from './event-schemas';
