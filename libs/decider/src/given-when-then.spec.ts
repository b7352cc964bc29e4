import { Decider, DomainError, given } from './index';

type Command = { type: 'Add'; amount: number };
type Event = { type: 'Added'; amount: number };
type State = { total: number };

const counter: Decider<Command, State, Event> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.amount }),
  decide: (command, state) => {
    if (command.amount <= 0) throw new DomainError('NOT_POSITIVE', 'amount must be positive');
    if (state.total + command.amount > 10) throw new DomainError('OVER_LIMIT', 'total may not exceed 10');
    return [{ type: 'Added', amount: command.amount }];
  },
};

describe('given/when/then', () => {
  it('passes when the decided events match', () => {
    given(counter, [{ type: 'Added', amount: 3 }]).when({ type: 'Add', amount: 2 }).then([{ type: 'Added', amount: 2 }]);
  });

  it('fails with a readable diff when events differ', () => {
    expect(() => given(counter, []).when({ type: 'Add', amount: 2 }).then([{ type: 'Added', amount: 5 }])).toThrow(/events differ/);
  });

  it('folds history before deciding', () => {
    given(counter, [{ type: 'Added', amount: 9 }]).when({ type: 'Add', amount: 2 }).thenThrows('OVER_LIMIT');
    expect(given(counter, [{ type: 'Added', amount: 9 }]).state()).toEqual({ total: 9 });
  });

  it('reports the wrong error code', () => {
    expect(() => given(counter, []).when({ type: 'Add', amount: 0 }).thenThrows('OVER_LIMIT')).toThrow(/expected DomainError OVER_LIMIT but got NOT_POSITIVE/);
  });

  it('reports a missing error', () => {
    expect(() => given(counter, []).when({ type: 'Add', amount: 1 }).thenThrows('OVER_LIMIT')).toThrow(/but decide returned/);
  });
});
