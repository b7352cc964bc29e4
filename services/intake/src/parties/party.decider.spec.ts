import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { PartyRegistered, partyDecider } from './party.decider';

const at = '2026-11-25T10:00:00.000Z';
const northwind: PartyRegistered = { type: 'PartyRegistered', partyId: 'MFR-NW', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'], registeredAt: at };

describe('party registry rules', () => {
  it('registers a manufacturer with its makes, one spelling each, sorted', () => {
    given(partyDecider, [])
      .when({ type: 'RegisterParty', partyId: 'MFR-NW', name: ' Northwind Metering Ltd ', partyType: 'manufacturer', makes: ['Northwind Metering', 'northwind metering ', 'Acme'], at })
      .then([{ ...northwind, makes: ['Acme', 'Northwind Metering'] }]);
  });

  it('refuses to register the same party twice', () => {
    given(partyDecider, [northwind])
      .when({ type: 'RegisterParty', partyId: 'MFR-NW', name: 'Other', partyType: 'manufacturer', makes: [], at })
      .thenThrows('PARTY_EXISTS');
  });

  it('refuses makes for a party that does not provide device data', () => {
    given(partyDecider, [])
      .when({ type: 'RegisterParty', partyId: 'SUP-A', name: 'Supplier A', partyType: 'supplier', makes: ['Northwind Metering'], at })
      .thenThrows('MAKES_NOT_ALLOWED');
  });

  it('records what changed and what it was before', () => {
    given(partyDecider, [northwind])
      .when({ type: 'ChangePartyDetails', partyId: 'MFR-NW', name: 'Northwind Metering Ltd', makes: ['Northwind Metering', 'NW Classic'], at })
      .then([
        {
          type: 'PartyDetailsChanged',
          partyId: 'MFR-NW',
          name: 'Northwind Metering Ltd',
          makes: ['Northwind Metering', 'NW Classic'],
          previous: { name: 'Northwind Metering Ltd', makes: ['Northwind Metering'] },
          changedAt: at,
        },
      ]);
  });

  it('records nothing when nothing changes', () => {
    given(partyDecider, [northwind])
      .when({ type: 'ChangePartyDetails', partyId: 'MFR-NW', name: ' Northwind Metering Ltd', makes: ['Northwind Metering', ' Northwind Metering'], at })
      .thenNothingHappens();
  });

  it('cannot change a party that is not registered', () => {
    given(partyDecider, [])
      .when({ type: 'ChangePartyDetails', partyId: 'MFR-X', name: 'X', makes: [], at })
      .thenThrows('PARTY_NOT_FOUND');
  });
});

describe('party events match their published contracts', () => {
  it.each([
    ['PartyRegistered', given(partyDecider, []).when({ type: 'RegisterParty', partyId: 'MFR-NW', name: 'Northwind', partyType: 'manufacturer', makes: ['Northwind Metering'], at }).thenMatches(() => undefined)],
    ['PartyDetailsChanged', given(partyDecider, [northwind]).when({ type: 'ChangePartyDetails', partyId: 'MFR-NW', name: 'Northwind plc', makes: [], at }).thenMatches(() => undefined)],
  ])('%s validates against contracts/events/intake', (type, events) => {
    expect(events).toHaveLength(1);
    const { type: emitted, ...data } = events[0];
    expect(emitted).toBe(type);
    expect(eventSchemaErrors('intake', emitted, 1, data)).toEqual([]);
  });

  it('the contract rejects an event with a field it does not know', () => {
    const { type, ...data } = northwind;
    expect(eventSchemaErrors('intake', type, 1, { ...data, rating: 5 })).not.toEqual([]);
  });
});
