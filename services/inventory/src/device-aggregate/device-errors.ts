/**
 * Codes of the DomainErrors the device decider throws. Nothing is recorded when one is thrown: the request
 * could not be read (MALFORMED), or a DSP integration command was refused — nobody waits for a DUIS answer
 * to those, so a refusal is an error, not an event.
 */
export const DEVICE_ERRORS = {
  MALFORMED: 'MALFORMED',
  FORBIDDEN: 'FORBIDDEN',
  DEVICE_NOT_FOUND: 'DEVICE_NOT_FOUND',
  TRANSITION_NOT_ALLOWED: 'TRANSITION_NOT_ALLOWED',
  STATUS_INCOMPATIBLE: 'STATUS_INCOMPATIBLE',
  WRONG_STREAM: 'WRONG_STREAM',
} as const;
