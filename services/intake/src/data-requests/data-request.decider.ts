import { DataRequestFulfilledData, DataRequestIssuedData, DataRequestOverdueData, SubmittingPartyType } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';
import { addCalendarDays, HolidayLookup, IsoDate, isIsoDate, londonDate } from '@smi/working-days';
import { deliveryWindowIfAny, WORKING_DAYS_TO_DELIVER } from './delivery-window';

/** How far ahead a delivery may be agreed: two quarterly releases' worth of planning, with room to spare. */
const MAX_CALENDAR_DAYS_AHEAD = 731;

/** Who is asked for data: the providers of the initial file, manufacturers and CSPs. */
export const DATA_PROVIDER_PARTY_TYPES = ['manufacturer', 'csp'] as const satisfies readonly SubmittingPartyType[];
export type DataProviderPartyType = (typeof DATA_PROVIDER_PARTY_TYPES)[number];

export interface IssueDataRequest {
  type: 'IssueDataRequest';
  requestId: string;
  providerPartyId: string;
  /** The provider as the party registry holds it; `undefined` when it is not registered. */
  provider: { partyType: string } | undefined;
  agreedDeliveryDate: string;
  note: string | null;
  /** The London date when the request is issued. */
  today: IsoDate;
  at: string;
}

export interface FulfilDataRequest {
  type: 'FulfilDataRequest';
  requestId: string;
  providerPartyId: string;
  submissionId: string;
  /** When intake received the submission (an instant). */
  receivedAt: string;
  at: string;
}

export interface MarkDataRequestOverdue {
  type: 'MarkDataRequestOverdue';
  requestId: string;
  /** The London date of the check. */
  today: IsoDate;
  at: string;
}

export type DataRequestCommand = IssueDataRequest | FulfilDataRequest | MarkDataRequestOverdue;

export type DataRequestIssued = { type: 'DataRequestIssued' } & DataRequestIssuedData;

/** Received on or after the day the request became overdue (recorded yet or not) is `late`. */
export type DataRequestFulfilled = { type: 'DataRequestFulfilled' } & DataRequestFulfilledData;

/** Tells SECAS to chase the provider; overdueSince is the rule's day even when detected later. */
export type DataRequestOverdue = { type: 'DataRequestOverdue' } & DataRequestOverdueData;

export type DataRequestEvent = DataRequestIssued | DataRequestFulfilled | DataRequestOverdue;

export type DataRequestStatus = 'open' | 'overdue' | 'fulfilled';

export type DataRequestState =
  | { kind: 'none' }
  | { kind: DataRequestStatus; requestId: string; providerPartyId: string; agreedDeliveryDate: IsoDate; issuedAt: string };

export const dataRequestStreamId = (requestId: string) => `data-request-${requestId}`;

function isDataProvider(partyType: string): partyType is DataProviderPartyType {
  return (DATA_PROVIDER_PARTY_TYPES as readonly string[]).includes(partyType);
}

/**
 * The life of one data request: issued by DCC to a manufacturer or CSP, then fulfilled by a
 * submission from that provider or, 15 working days after the agreed date, overdue (and still
 * fulfillable late). The bank-holiday calendar is data the rules need, so the decider is built with it.
 */
export function dataRequestDecider(holidays: HolidayLookup): Decider<DataRequestCommand, DataRequestState, DataRequestEvent> {
  return {
    initialState: () => ({ kind: 'none' }),

    evolve(state, event) {
      switch (event.type) {
        case 'DataRequestIssued':
          return { kind: 'open', requestId: event.requestId, providerPartyId: event.providerPartyId, agreedDeliveryDate: event.agreedDeliveryDate, issuedAt: event.issuedAt };
        case 'DataRequestFulfilled':
          return state.kind === 'none' ? state : { ...state, kind: 'fulfilled' };
        case 'DataRequestOverdue':
          return state.kind === 'open' ? { ...state, kind: 'overdue' } : state;
      }
    },

    decide(command, state) {
      switch (command.type) {
        case 'IssueDataRequest': {
          if (state.kind !== 'none') throw new DomainError('DATA_REQUEST_EXISTS', `data request ${command.requestId} already exists`);
          if (!command.provider) {
            throw new DomainError('PROVIDER_NOT_REGISTERED', `party ${command.providerPartyId} is not registered; register it before asking it for data`, { field: 'providerPartyId' });
          }
          if (!isDataProvider(command.provider.partyType)) {
            throw new DomainError('PROVIDER_NOT_A_DATA_PROVIDER', `party ${command.providerPartyId} is a ${command.provider.partyType}; data is requested from manufacturers and CSPs only`, {
              field: 'providerPartyId',
            });
          }
          if (!isIsoDate(command.agreedDeliveryDate)) {
            throw new DomainError('INVALID_AGREED_DELIVERY_DATE', `agreedDeliveryDate ${command.agreedDeliveryDate} is not a calendar date (yyyy-mm-dd)`, { field: 'agreedDeliveryDate' });
          }
          if (command.agreedDeliveryDate > addCalendarDays(command.today, MAX_CALENDAR_DAYS_AHEAD)) {
            throw new DomainError(
              'INVALID_AGREED_DELIVERY_DATE',
              `agreedDeliveryDate ${command.agreedDeliveryDate} is more than two years after today (${command.today}); agree a nearer date`,
              { field: 'agreedDeliveryDate' },
            );
          }
          if (command.agreedDeliveryDate < command.today) {
            throw new DomainError('AGREED_DELIVERY_DATE_IN_PAST', `agreedDeliveryDate ${command.agreedDeliveryDate} is before today (${command.today})`, { field: 'agreedDeliveryDate' });
          }
          const note = command.note?.trim() ? command.note.trim() : null;
          return [
            {
              type: 'DataRequestIssued',
              requestId: command.requestId,
              providerPartyId: command.providerPartyId,
              providerPartyType: command.provider.partyType,
              agreedDeliveryDate: command.agreedDeliveryDate,
              note,
              issuedAt: command.at,
            },
          ];
        }

        case 'FulfilDataRequest': {
          if (state.kind === 'none') throw new DomainError('DATA_REQUEST_NOT_FOUND', `data request ${command.requestId} does not exist`);
          if (command.providerPartyId !== state.providerPartyId) {
            throw new DomainError('SUBMISSION_FROM_OTHER_PROVIDER', `data request ${state.requestId} is for ${state.providerPartyId}, not ${command.providerPartyId}`);
          }
          // Already fulfilled: a redelivered or second submission changes nothing.
          if (state.kind === 'fulfilled') return [];
          // A submission received before the request was issued answers an earlier request, not this one.
          if (Date.parse(command.receivedAt) < Date.parse(state.issuedAt)) return [];
          const window = deliveryWindowIfAny(state.agreedDeliveryDate, holidays);
          return [
            {
              type: 'DataRequestFulfilled',
              requestId: state.requestId,
              providerPartyId: state.providerPartyId,
              submissionId: command.submissionId,
              receivedAt: command.receivedAt,
              late: window !== undefined && londonDate(new Date(command.receivedAt)) >= window.overdueFrom,
              fulfilledAt: command.at,
            },
          ];
        }

        case 'MarkDataRequestOverdue': {
          if (state.kind === 'none') throw new DomainError('DATA_REQUEST_NOT_FOUND', `data request ${command.requestId} does not exist`);
          // Marked once: SECAS is told to chase once per request, however many checkers run.
          if (state.kind !== 'open') return [];
          const window = deliveryWindowIfAny(state.agreedDeliveryDate, holidays);
          if (window === undefined || command.today < window.overdueFrom) return [];
          return [
            {
              type: 'DataRequestOverdue',
              requestId: state.requestId,
              providerPartyId: state.providerPartyId,
              agreedDeliveryDate: state.agreedDeliveryDate,
              lastDeliveryDay: window.lastDeliveryDay,
              overdueSince: window.overdueFrom,
              workingDaysAllowed: WORKING_DAYS_TO_DELIVER,
              detectedAt: command.at,
            },
          ];
        }
      }
    },
  };
}
