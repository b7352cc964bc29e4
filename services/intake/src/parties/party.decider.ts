import { Decider, DomainError } from '@smi/decider';

/**
 * Who may be registered: providers of defect data and readers of the database. Not the DCC: it runs the
 * registry, and a registered `dcc` party would give whoever holds its id the DCC's rights.
 */
export const REGISTERED_PARTY_TYPES = ['manufacturer', 'csp', 'supplier', 'network', 'secas'] as const;
export type RegisteredPartyType = (typeof REGISTERED_PARTY_TYPES)[number];

/** Only providers of device data answer for makes: a manufacturer for its meters, a CSP for its Comms Hubs. */
const PARTY_TYPES_WITH_MAKES: readonly RegisteredPartyType[] = ['manufacturer', 'csp'];

export interface RegisterParty {
  type: 'RegisterParty';
  partyId: string;
  name: string;
  partyType: RegisteredPartyType;
  makes: string[];
  at: string;
}

export interface ChangePartyDetails {
  type: 'ChangePartyDetails';
  partyId: string;
  name: string;
  makes: string[];
  at: string;
}

export type PartyCommand = RegisterParty | ChangePartyDetails;

export interface PartyRegistered {
  type: 'PartyRegistered';
  partyId: string;
  name: string;
  partyType: RegisteredPartyType;
  makes: string[];
  registeredAt: string;
}

export interface PartyDetailsChanged {
  type: 'PartyDetailsChanged';
  partyId: string;
  name: string;
  makes: string[];
  previous: { name: string; makes: string[] };
  changedAt: string;
}

export type PartyEvent = PartyRegistered | PartyDetailsChanged;

export type PartyState =
  | { kind: 'unregistered' }
  | { kind: 'registered'; partyId: string; name: string; partyType: RegisteredPartyType; makes: string[] };

export const partyStreamId = (partyId: string) => `party-${partyId}`;

/** Makes are matched case-insensitively on submission, so keep one spelling of each and a stable order. */
export function normaliseMakes(makes: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const make of makes.map((m) => m.trim()).filter((m) => m.length > 0)) {
    if (!byKey.has(make.toLowerCase())) byKey.set(make.toLowerCase(), make);
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

function checkMakes(partyType: RegisteredPartyType, makes: string[]): void {
  if (makes.length > 0 && !PARTY_TYPES_WITH_MAKES.includes(partyType)) {
    throw new DomainError('MAKES_NOT_ALLOWED', `a ${partyType} party does not answer for makes; only manufacturers and CSPs do`, { field: 'makes' });
  }
}

export const partyDecider: Decider<PartyCommand, PartyState, PartyEvent> = {
  initialState: () => ({ kind: 'unregistered' }),

  evolve(state, event) {
    switch (event.type) {
      case 'PartyRegistered':
        return { kind: 'registered', partyId: event.partyId, name: event.name, partyType: event.partyType, makes: event.makes };
      case 'PartyDetailsChanged':
        return state.kind === 'registered' ? { ...state, name: event.name, makes: event.makes } : state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterParty': {
        if (state.kind === 'registered') throw new DomainError('PARTY_EXISTS', `party ${command.partyId} is already registered`, { field: 'partyId' });
        const makes = normaliseMakes(command.makes);
        checkMakes(command.partyType, makes);
        return [{ type: 'PartyRegistered', partyId: command.partyId, name: command.name.trim(), partyType: command.partyType, makes, registeredAt: command.at }];
      }
      case 'ChangePartyDetails': {
        if (state.kind !== 'registered') throw new DomainError('PARTY_NOT_FOUND', `party ${command.partyId} is not registered`);
        const makes = normaliseMakes(command.makes);
        checkMakes(state.partyType, makes);
        const name = command.name.trim();
        if (name === state.name && JSON.stringify(makes) === JSON.stringify(state.makes)) return [];
        return [{ type: 'PartyDetailsChanged', partyId: state.partyId, name, makes, previous: { name: state.name, makes: state.makes }, changedAt: command.at }];
      }
    }
  },
};
