// The case streams and their `cases` rows: the one entry the case use cases import.
export { CaseOrigin, caseIdFor, caseIdOfStream, caseStreamId } from './case-ids';
export { CaseStoreModule } from './case-store.module';
export { CaseBatchCommand, CaseOutcome, CaseWriteContext, CaseWriter, CaseWritten, fixTargetCaseId, makeKey } from './case-writer';
export { CreateCases1734000000000 } from './cases.migration';
