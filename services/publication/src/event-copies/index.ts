export { appendCopies, copyOfMessage, EventCopy } from './event-copies';
export { eventCopyConsumer, EventCopyFeed } from './event-copy.consumer';
