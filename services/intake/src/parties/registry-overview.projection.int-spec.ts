import { GivenEvent, givenEvents } from '@smi/testing';
import { partyStreamId, PartyDetailsChanged, PartyRegistered } from './party.decider';
import { registryOverviewProjection } from './registry-overview.projection';

const registered = (partyId: string, partyType: PartyRegistered['partyType'], makes: string[]): GivenEvent => ({
  streamId: partyStreamId(partyId),
  type: 'PartyRegistered',
  data: { partyId, name: `Party ${partyId}`, partyType, makes, registeredAt: '2024-05-01T09:00:00Z' } satisfies Omit<PartyRegistered, 'type'>,
});

const makesChanged = (partyId: string, previous: string[], makes: string[]): GivenEvent => ({
  streamId: partyStreamId(partyId),
  type: 'PartyDetailsChanged',
  data: {
    partyId,
    name: `Party ${partyId}`,
    makes,
    previous: { name: `Party ${partyId}`, makes: previous },
    changedAt: '2024-05-02T09:00:00Z',
  } satisfies Omit<PartyDetailsChanged, 'type'>,
});

describe('registry overview projection: parties and makes per party type', () => {
  it('counts each registered party and the makes it answers for, per party type', async () => {
    await givenEvents(registryOverviewProjection, [
      registered('m1', 'manufacturer', ['Landis', 'Itron']),
      registered('m2', 'manufacturer', ['Aclara']),
      registered('s1', 'supplier', []),
    ]).thenRows('registry_overview', [
      { party_type: 'manufacturer', parties: 2, makes: 3 },
      { party_type: 'supplier', parties: 1, makes: 0 },
    ]);
  });

  it('moves the makes total of the changed party type by the difference, found through the party stream', async () => {
    await givenEvents(registryOverviewProjection, [
      registered('m1', 'manufacturer', ['Landis']),
      registered('c1', 'csp', ['Arqiva']),
      makesChanged('m1', ['Landis'], ['Landis', 'Itron', 'Aclara']),
      makesChanged('c1', ['Arqiva'], []),
    ]).thenRows('registry_overview', [
      { party_type: 'manufacturer', parties: 1, makes: 3 },
      { party_type: 'csp', parties: 1, makes: 0 },
    ]);
  });

  it('has no rows before any party is registered', async () => {
    await givenEvents(registryOverviewProjection, []).thenRows('registry_overview', []);
  });
});
