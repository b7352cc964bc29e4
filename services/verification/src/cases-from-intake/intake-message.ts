import { FixProposedData, ItemReportedData, ItemRevisedData, ItemSubmittedData, PossibleDuplicateFlaggedData } from '@smi/contracts';
import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage } from '@smi/kafka';
import { parseContractEvent } from '@smi/service-runtime';
import { Actor } from '../case-aggregate';

/** The intake events that open or change a case (issue 11, point 1). */
export const INTAKE_CASE_EVENT_TYPES = ['ItemSubmitted', 'ItemRevised', 'PossibleDuplicateFlagged', 'ItemReported', 'FixProposed'] as const;

export type IntakeCaseEvent =
  | { type: 'ItemSubmitted'; data: ItemSubmittedData }
  | { type: 'ItemRevised'; data: ItemRevisedData }
  | { type: 'PossibleDuplicateFlagged'; data: PossibleDuplicateFlaggedData }
  | { type: 'ItemReported'; data: ItemReportedData }
  | { type: 'FixProposed'; data: FixProposedData };

/** One intake event as a case command needs it: what it says, who sent it, as part of what, and its own id (the cause). */
export interface IntakeCaseMessage {
  /** The inbox's id of the message (its `ce_id`): the causation id of everything it records. */
  messageId: string;
  correlationId: string;
  actor: Actor;
  event: IntakeCaseEvent;
}

/** What the service records as itself: a case opened from an event that names no sender, and what the consumer does on its own. */
export const CASES_FROM_INTAKE_ACTOR: Actor = { userId: 'system:verification.cases-from-intake', partyId: 'DCC', partyType: 'dcc', roles: ['system'] };

/** Reads a message of `intake.events`; one that breaks intake's contract can never be applied (dead letter). */
export function intakeCaseMessage(message: IncomingMessage): IntakeCaseMessage {
  const event = parseContractEvent<IntakeCaseEvent['data']>('intake', message) as IntakeCaseEvent;
  if (!(INTAKE_CASE_EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new PermanentMessageError(`intake event ${event.type} does not open or change a case`);
  }
  // As the EventConsumer names the message in its inbox.
  const messageId = message.headers.ce_id ?? `${message.topic}:${message.partition}:${message.offset}`;
  return { messageId, correlationId: message.headers.correlation_id || messageId, actor: senderOf(message) ?? CASES_FROM_INTAKE_ACTOR, event };
}

/**
 * The user and party whose request intake recorded the event for: intake's relay sends the event's actor as
 * the `actor` header (JSON). An event without a readable one is recorded as the service's own doing, rather
 * than refused: who sent it is audit, not something the case depends on.
 */
function senderOf(message: IncomingMessage): Actor | null {
  const header = message.headers.actor;
  if (!header) return null;
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const { userId, partyId, partyType, roles } = value as Record<string, unknown>;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (!text(userId) || !text(partyId) || !text(partyType)) return null;
  const roleList = Array.isArray(roles) && roles.every((r) => typeof r === 'string') ? (roles as string[]) : [];
  return { userId, partyId, partyType, roles: roleList };
}
