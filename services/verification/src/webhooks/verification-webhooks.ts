import { fold } from '@smi/decider';
import { RecordedEvent, toDomainEvent } from '@smi/event-store';
import { MessageContext, WebhookCatalogue, WebhookMessage } from '@smi/webhooks';
import { Case, CASE_EVENT_TYPES, CaseEvent, caseDecider, Wait } from '../case-aggregate';
import { caseAccess } from '../case-queue/case-visibility';

/**
 * A case starts waiting on a party when its wait (case-evolve.ts `withWait`) is new after the event: another party,
 * another thing waited for, or a wait where there was none. A case opened never waits yet, so CaseOpened (one per
 * item of a file) is not read.
 */
export const WAIT_EVENT_TYPES = CASE_EVENT_TYPES.filter((type) => type !== 'CaseOpened');

/** The wait the event started, or null: the case's stream folded up to just before it and up to it. */
export async function waitStartedBy(event: RecordedEvent, context: MessageContext): Promise<{ state: Case; wait: Wait } | null> {
  const stream = (await context.store.readStream(event.streamId, {}, context.manager)).filter((e) => e.streamVersion <= event.streamVersion);
  const events = stream.map((e) => toDomainEvent<CaseEvent>(e));
  const before = fold(caseDecider, events.slice(0, -1));
  const after = fold(caseDecider, events);
  if (after.kind !== 'case' || after.wait === null) return null;
  const previous = before.kind === 'case' ? before.wait : null;
  if (previous !== null && previous.partyId === after.wait.partyId && previous.waitingFor === after.wait.waitingFor && previous.since === after.wait.since) return null;
  return { state: after, wait: after.wait };
}

async function caseWaiting(event: RecordedEvent, context: MessageContext): Promise<WebhookMessage | null> {
  const started = await waitStartedBy(event, context);
  if (started === null) return null;
  const { state, wait } = started;
  // Only what the manufacturer may read of the case anyway (case-visibility.ts): it is the provider or the party asked.
  if (caseAccess({ partyId: wait.partyId, partyType: 'manufacturer' }, state) === null) return null;
  return {
    onlyParty: wait.partyId,
    subject: state.caseId,
    data: {
      caseId: state.caseId,
      caseKind: state.caseKind,
      waitingFor: wait.waitingFor,
      waitingSince: wait.since,
      question: wait.waitingFor === 'information' ? state.question : null,
      link: `/cases/${state.caseId}`,
    },
  };
}

/**
 * The webhooks verification offers (docs/adr/0009-webhooks.md): a case waiting on a manufacturer's response, to that
 * manufacturer's subscriptions only (information asked of the provider, agreement under R3, a fix confirmation
 * under R5; docs/domain.md "Verification").
 */
export const VERIFICATION_WEBHOOKS: WebhookCatalogue = {
  service: 'verification',
  events: [
    {
      name: 'case.waiting',
      description: 'A case now waits on your response (information, agreement to include an item, or confirming a fix); read it at /cases/{caseId}',
      partyTypes: ['manufacturer'],
      eventTypes: WAIT_EVENT_TYPES,
      message: caseWaiting,
    },
  ],
};
