import { SMI_STATUSES, SmiStatus } from './identifiers';
import { STATUS_ON_PRENOTIFICATION, STATUS_TRANSITIONS, allowedTransitionsFrom, canTransition } from './status-transitions';

// Written out from docs/domain.md independently of the table, so a slip in either shows up here.
const DOMAIN_TRANSITIONS: Array<[SmiStatus, SmiStatus]> = [
  ['Pending', 'Whitelisted'],
  ['Pending', 'InstalledNotCommissioned'],
  ['Whitelisted', 'InstalledNotCommissioned'],
  ['Pending', 'Commissioned'],
  ['Whitelisted', 'Commissioned'],
  ['InstalledNotCommissioned', 'Commissioned'],
  ['Commissioned', 'Suspended'],
  ['Suspended', 'Commissioned'],
  ['Commissioned', 'Decommissioned'],
  ['InstalledNotCommissioned', 'Decommissioned'],
  ['Suspended', 'Decommissioned'],
  ['Pending', 'Withdrawn'],
  ['Commissioned', 'Recovery'],
  ['Recovery', 'Recovered'],
];

describe('SMI status transitions', () => {
  it('pre-notification creates Pending', () => {
    expect(STATUS_ON_PRENOTIFICATION).toBe('Pending');
  });

  it('holds exactly the transitions docs/domain.md lists', () => {
    const key = ([from, to]: [SmiStatus, SmiStatus]) => `${from}->${to}`;
    expect(STATUS_TRANSITIONS.map((t) => key([t.from, t.to])).sort()).toEqual(DOMAIN_TRANSITIONS.map(key).sort());
  });

  const pairs = SMI_STATUSES.flatMap((from) => SMI_STATUSES.map((to) => [from, to] as [SmiStatus, SmiStatus]));
  it.each(pairs)('%s -> %s', (from, to) => {
    const listed = DOMAIN_TRANSITIONS.some(([f, t]) => f === from && t === to);
    expect(canTransition(from, to)).toBe(listed);
  });

  it.each(['Decommissioned', 'Withdrawn', 'Recovered', 'NotApplicable'] as SmiStatus[])('%s is terminal', (status) => {
    expect(allowedTransitionsFrom(status)).toEqual([]);
  });
});
