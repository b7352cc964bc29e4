/**
 * Codes of the DomainErrors the case decider throws; nothing is recorded when one is thrown. Shaped for the
 * platform's HTTP mapping (libs/service-runtime/src/domain-error.filter.ts): *_NOT_FOUND 404,
 * *_EXISTS / *_CONFLICT 409, FORBIDDEN* 403, INVALID_* 400, any other rule 422.
 */
export const CASE_ERRORS = {
  /** 400: a required text (reason, question, answer, note) is empty, or the command cannot be read. */
  INVALID_COMMAND: 'INVALID_COMMAND',
  /** 400: a verification that did not check what §4.3 asks (data, presentation, and any fix reference). */
  INVALID_CHECKS: 'INVALID_CHECKS',
  /** 404 */
  CASE_NOT_FOUND: 'CASE_NOT_FOUND',
  /** 409: the case is already open (the consumer of intake.events takes it as the same event applied before, under another id). */
  CASE_EXISTS: 'CASE_EXISTS',
  /** 409, details `{ state }`: the action is not allowed in the case's state. */
  CASE_STATE_CONFLICT: 'CASE_STATE_CONFLICT',
  /** 409, details `{ assignee }`: another verifier holds the case. */
  CASE_CLAIM_CONFLICT: 'CASE_CLAIM_CONFLICT',
  /** 409, details `{ caseKind }`: the action does not apply to this kind of case. */
  CASE_KIND_CONFLICT: 'CASE_KIND_CONFLICT',
  /** 409, details `{ state, confirmation }`: declining a fix already confirmed. */
  FIX_CONFIRMATION_CONFLICT: 'FIX_CONFIRMATION_CONFLICT',
  /** 403: a DCC action by anyone but a DCC verifier. */
  FORBIDDEN_NOT_VERIFIER: 'FORBIDDEN_NOT_VERIFIER',
  /** 403: agreement or confirmation by anyone but the accountable party. */
  FORBIDDEN_NOT_ACCOUNTABLE_PARTY: 'FORBIDDEN_NOT_ACCOUNTABLE_PARTY',
  /** 403: an answer by anyone but the provider asked. */
  FORBIDDEN_NOT_PROVIDER: 'FORBIDDEN_NOT_PROVIDER',
  /** 422, details `{ missing }`: the make or model is not in the DCC catalogue. */
  CATALOGUE_MAKE_MISSING: 'CATALOGUE_MAKE_MISSING',
  CATALOGUE_MODEL_MISSING: 'CATALOGUE_MODEL_MISSING',
  /** 422: the fix names an item never submitted; resolve the reference first. */
  FIX_REFERENCE_UNRESOLVED: 'FIX_REFERENCE_UNRESOLVED',
  /** 422: no party is registered for the make, so nobody can agree or confirm yet. */
  ACCOUNTABLE_PARTY_MISSING: 'ACCOUNTABLE_PARTY_MISSING',
  /** 422: the case has no fix to confirm. */
  FIX_MISSING: 'FIX_MISSING',
} as const;

export type CaseErrorCode = (typeof CASE_ERRORS)[keyof typeof CASE_ERRORS];
