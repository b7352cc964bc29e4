import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { NetworkAccessEvent, networkAccessDecider } from './network-access.decider';

const AT = '2026-03-02T10:00:00.000Z';
const granted = (partyId: string): NetworkAccessEvent => ({ type: 'NetworkAccessGranted', scope: 'party', partyId, grantedAt: AT });
const revoked = (partyId: string): NetworkAccessEvent => ({ type: 'NetworkAccessRevoked', scope: 'party', partyId, revokedAt: AT });
const allOn: NetworkAccessEvent = { type: 'NetworkAccessGranted', scope: 'all-network-parties', partyId: null, grantedAt: AT };
const allOff: NetworkAccessEvent = { type: 'NetworkAccessRevoked', scope: 'all-network-parties', partyId: null, revokedAt: AT };

describe('network access (R7: network parties see the database once DCC adds them)', () => {
  it('adds a network party once; adding it again records nothing', () => {
    given(networkAccessDecider, []).when({ type: 'GrantNetworkAccess', partyId: 'NET-ED-1', at: AT }).then([granted('NET-ED-1')]);
    given(networkAccessDecider, [granted('NET-ED-1')]).when({ type: 'GrantNetworkAccess', partyId: 'NET-ED-1', at: AT }).thenNothingHappens();
  });

  it('removes a party that was added; removing one that is not records nothing', () => {
    given(networkAccessDecider, [granted('NET-ED-1')]).when({ type: 'RevokeNetworkAccess', partyId: 'NET-ED-1', at: AT }).then([revoked('NET-ED-1')]);
    given(networkAccessDecider, [granted('NET-ED-1'), revoked('NET-ED-1')]).when({ type: 'RevokeNetworkAccess', partyId: 'NET-ED-1', at: AT }).thenNothingHappens();
    given(networkAccessDecider, [allOn]).when({ type: 'RevokeNetworkAccess', partyId: 'NET-GT-2', at: AT }).thenNothingHappens();
  });

  it('turns the switch for every network party on and off, each change once', () => {
    given(networkAccessDecider, []).when({ type: 'SetAllNetworkParties', enabled: true, at: AT }).then([allOn]);
    given(networkAccessDecider, [allOn]).when({ type: 'SetAllNetworkParties', enabled: true, at: AT }).thenNothingHappens();
    given(networkAccessDecider, [allOn]).when({ type: 'SetAllNetworkParties', enabled: false, at: AT }).then([allOff]);
    given(networkAccessDecider, []).when({ type: 'SetAllNetworkParties', enabled: false, at: AT }).thenNothingHappens();
  });

  it('keeps the parties added by name when the switch goes off', () => {
    expect(given(networkAccessDecider, [granted('NET-B'), allOn, granted('NET-A'), allOff, revoked('NET-B')]).state()).toEqual({ parties: ['NET-A'], allNetworkParties: false });
  });

  it('refuses a party id that is not one, naming the field', () => {
    const error = given(networkAccessDecider, []).when({ type: 'GrantNetworkAccess', partyId: 'bad id', at: AT }).thenThrows('INVALID_PARTY_ID');
    expect(error.details).toEqual({ field: 'partyId' });
    given(networkAccessDecider, []).when({ type: 'RevokeNetworkAccess', partyId: '-x', at: AT }).thenThrows('INVALID_PARTY_ID');
  });

  it('decides only events its contract on publication.events accepts', () => {
    for (const { type, ...data } of [granted('NET-ED-1'), revoked('NET-ED-1'), allOn, allOff]) {
      expect(eventSchemaErrors('publication', type, 1, data)).toEqual([]);
    }
    expect(eventSchemaErrors('publication', 'NetworkAccessGranted', 1, { scope: 'party', partyId: null, grantedAt: AT })).not.toEqual([]);
  });
});
