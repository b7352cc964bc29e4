export { NoEventAtPositionError, OutboxRelay, OutboxRelayOptions, RelayStatus } from './outbox-relay';
export { cloudEventHeaders } from './cloud-event-headers';
export { CreateOutboxRelayCheckpoints1730000000200, OUTBOX_RELAY_MIGRATIONS } from './migrations';
