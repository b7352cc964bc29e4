// The operator CLI (`npm run ops`): parsing, the HTTP calls to the services' operator endpoints and the output.
export { runOps, type OpsIo } from './run';
export { parseOpsArgs, resolveUrls, USAGE, type OpsCommand, type OpsSettings, type ParsedOps } from './args';
export { OpsFailure, OpsUsageError } from './errors';
export { OpsHttp, unreachable } from './http';
export { actorOf, answerOf, changeOf, formatHistory, formatTrace, mergeTrace, type AuditEvent, type Trace, type TraceEntry } from './events';
export { formatDeadLetter, formatDeadLetters, formatLag, type LagReport } from './queues';
export { renderTable, readableTime } from './table';
export { DEFAULT_URLS, SERVICE_NAMES, type ServiceName } from './services';
