import { NetworkAccessGrantedData, NetworkAccessRevokedData } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';

/*
 * R7 for network parties: they see nothing of the defects database until DCC adds them, one by one or all at
 * once with a switch. One stream, `network-access`, holds every change, so the list and the switch are decided
 * on one state. Adding a party that is in, removing one that is not, or setting the switch as it is records
 * nothing: a repeated request changes nothing.
 */

export const NETWORK_ACCESS_STREAM = 'network-access';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface NetworkAccessState {
  /** Network parties DCC added by name, in party id order. */
  parties: string[];
  /** The switch: every network party sees the published items. */
  allNetworkParties: boolean;
}

export type NetworkAccessCommand =
  | { type: 'GrantNetworkAccess'; partyId: string; at: string }
  | { type: 'RevokeNetworkAccess'; partyId: string; at: string }
  | { type: 'SetAllNetworkParties'; enabled: boolean; at: string };

export type NetworkAccessGranted = { type: 'NetworkAccessGranted' } & NetworkAccessGrantedData;
export type NetworkAccessRevoked = { type: 'NetworkAccessRevoked' } & NetworkAccessRevokedData;
export type NetworkAccessEvent = NetworkAccessGranted | NetworkAccessRevoked;

function partyIdOf(partyId: string): string {
  if (!PARTY_ID.test(partyId)) {
    throw new DomainError('INVALID_PARTY_ID', 'partyId must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit', { field: 'partyId' });
  }
  return partyId;
}

export const networkAccessDecider: Decider<NetworkAccessCommand, NetworkAccessState, NetworkAccessEvent> = {
  initialState: () => ({ parties: [], allNetworkParties: false }),

  decide(command, state) {
    switch (command.type) {
      case 'GrantNetworkAccess': {
        const partyId = partyIdOf(command.partyId);
        if (state.parties.includes(partyId)) return [];
        return [{ type: 'NetworkAccessGranted', scope: 'party', partyId, grantedAt: command.at }];
      }
      case 'RevokeNetworkAccess': {
        const partyId = partyIdOf(command.partyId);
        if (!state.parties.includes(partyId)) return [];
        return [{ type: 'NetworkAccessRevoked', scope: 'party', partyId, revokedAt: command.at }];
      }
      case 'SetAllNetworkParties':
        if (command.enabled === state.allNetworkParties) return [];
        return command.enabled
          ? [{ type: 'NetworkAccessGranted', scope: 'all-network-parties', partyId: null, grantedAt: command.at }]
          : [{ type: 'NetworkAccessRevoked', scope: 'all-network-parties', partyId: null, revokedAt: command.at }];
    }
  },

  evolve(state, event) {
    if (event.scope === 'all-network-parties') return { ...state, allNetworkParties: event.type === 'NetworkAccessGranted' };
    const others = state.parties.filter((p) => p !== event.partyId);
    return { ...state, parties: event.type === 'NetworkAccessGranted' ? [...others, event.partyId as string].sort() : others };
  },
};
