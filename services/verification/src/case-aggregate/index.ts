// The verification case aggregate: the one entry every use case imports (pure rules, no I/O).
export * from './case-commands';
export * from './case-errors';
export * from './case-events';
export * from './case-state';
export * from './case.decider';
