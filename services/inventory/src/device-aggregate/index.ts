// The device aggregate: the one entry every use case imports (pure rules, no I/O).
export * from './device-answers';
export * from './device-commands';
export * from './device-errors';
export * from './device-events';
// The rules themselves are reached through the decider; these are what specs and callers read of them.
export { VARIANT_CORRECTION_STATUSES, type DeviceRuleOptions } from './device-rules';
export * from './device-state';
export * from './device.decider';
export * from './identifiers';
export * from './service-request-answered';
export * from './status-transitions';
