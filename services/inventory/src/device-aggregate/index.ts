// The device aggregate: the one entry every use case imports (pure rules, no I/O).
export * from './device-answers';
export * from './device-commands';
export * from './device-errors';
export * from './device-events';
export { VARIANT_CORRECTION_STATUSES, deviceTypeProblem, type DeviceRuleOptions } from './device-rules';
export * from './device-state';
export * from './device.decider';
export * from './identifiers';
export * from './service-request-answered';
export * from './status-transitions';
