export { appendCopies, copyOfMessage, EventCopy } from './event-copies';
