import { Decider, DomainError } from '@smi/decider';
import { createTestDatabase, TestDatabase, waitFor } from '@smi/testing';
import { DataSource, EntityManager } from 'typeorm';
import {
  Aggregate,
  BatchCommand,
  ConcurrencyError,
  EVENT_STORE_MIGRATIONS,
  handleBatch,
  handleCommand,
  NO_STREAM,
  PostgresEventStore,
  RecordedEvent,
  StreamRef,
  WrittenStream,
} from './index';

type Command = { type: 'Deposit'; amount: number } | { type: 'Withdraw'; amount: number };
type Event = { type: 'Deposited'; amount: number; balance: number } | { type: 'Withdrawn'; amount: number; balance: number };
type State = { balance: number };

/** Counts its decisions, so a test can tell a retried command from one decided once. */
let decided = 0;
const accounts: Decider<Command, State, Event> = {
  initialState: () => ({ balance: 0 }),
  evolve: (_state, event) => ({ balance: event.balance }),
  decide: (command, state) => {
    decided += 1;
    if (command.type === 'Deposit') return [{ type: 'Deposited', amount: command.amount, balance: state.balance + command.amount }];
    if (command.amount > state.balance) throw new DomainError('INSUFFICIENT_FUNDS', `cannot withdraw ${command.amount} from ${state.balance}`);
    return [{ type: 'Withdrawn', amount: command.amount, balance: state.balance - command.amount }];
  },
};

const meta = { correlationId: 'req-1' };
let seq = 0;
const newAccount = () => `account-${++seq}`;

describe('handleBatch and handleCommand against PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;

  /** The accounts with their `balances` rows as snapshots. */
  const withSnapshots: Aggregate<State, Event> = {
    initialState: accounts.initialState,
    evolve: accounts.evolve,
    loadSnapshots: async (manager, streamIds) => {
      const rows: Array<{ stream_id: string; balance: number; version: number }> = await manager.query(
        `SELECT stream_id, balance, version FROM balances WHERE stream_id = ANY($1::text[])`,
        [streamIds],
      );
      return new Map(rows.map((row) => [row.stream_id, { state: { balance: row.balance }, version: row.version }]));
    },
  };

  beforeAll(async () => {
    db = await createTestDatabase('command_handler');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: EVENT_STORE_MIGRATIONS, poolSize: 10 }).initialize();
    await dataSource.runMigrations();
    await dataSource.query(`CREATE TABLE balances (stream_id text PRIMARY KEY, balance int NOT NULL, version int NOT NULL)`);
    await dataSource.query(`CREATE TABLE marks (name text PRIMARY KEY)`);
    store = new PostgresEventStore(dataSource, { sourceService: 'test' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => {
    decided = 0;
  });

  async function projectBalances(manager: EntityManager, written: WrittenStream<State>[]): Promise<void> {
    for (const { streamId, state, version } of written) {
      await manager.query(
        `INSERT INTO balances (stream_id, balance, version) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id) DO UPDATE SET balance = EXCLUDED.balance, version = EXCLUDED.version`,
        [streamId, state.balance, version],
      );
    }
  }

  const deposit = (account: string, amount: number) =>
    handleCommand(dataSource, {
      store,
      streamId: account,
      decider: accounts,
      command: { type: 'Deposit', amount },
      metadata: meta,
      project: (manager, recorded, state) => projectBalances(manager, [{ streamId: account, state, version: recorded[recorded.length - 1].streamVersion, recorded }]),
    });
  const balances = (account: string) => store.readStream(account).then((events) => events.map((e) => (e.data as { balance: number }).balance));
  const row = async (account: string) => (await dataSource.query(`SELECT balance, version FROM balances WHERE stream_id = $1`, [account]))[0];

  /** One command of an account batch: the stream, what to decide, and what it recorded. */
  function command(stream: StreamRef<State, Event>, decide: Command): BatchCommand<Event[]> {
    return {
      streams: [stream],
      decide: (decisions) => {
        const events = accounts.decide(decide, decisions.state(stream));
        decisions.record(stream, events);
        return events;
      },
    };
  }

  /** Holds an uncommitted event on the stream until the racer waits on it; the racer then loses once. */
  async function withRivalAppend<T>(account: string, race: () => Promise<T>): Promise<T> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const version = await store.streamVersion(account, runner.manager);
      const balance = (await balances(account)).pop() ?? 0;
      await store.append(account, [{ type: 'Deposited', data: { amount: 1000, balance: balance + 1000 } }], version === 0 ? NO_STREAM : version, { correlationId: 'rival' }, runner.manager);
      const racing = race();
      await waitFor(async () => {
        const waiting = await dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO events%'`,
        );
        return waiting[0].n > 0;
      }, 20_000, 'the racing append to wait for the rival transaction');
      await runner.commitTransaction();
      return await racing;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it('decides one command from the folded stream, appends at the version read and projects in the same transaction', async () => {
    const account = newAccount();
    await deposit(account, 100);
    const result = await deposit(account, 50);
    expect(result).toMatchObject({ state: { balance: 100 }, newState: { balance: 150 }, events: [{ type: 'Deposited', amount: 50, balance: 150 }] });
    expect(result.recorded.map((e) => [e.streamVersion, e.metadata.correlationId])).toEqual([[2, 'req-1']]);
    expect(await balances(account)).toEqual([100, 150]);
    expect(await row(account)).toEqual({ balance: 150, version: 2 });
  });

  it('throws the refusal of a single command and records nothing', async () => {
    const account = newAccount();
    await deposit(account, 10);
    const refused = handleCommand(dataSource, { store, streamId: account, decider: accounts, command: { type: 'Withdraw', amount: 11 }, metadata: meta });
    await expect(refused).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await balances(account)).toEqual([10]);
  });

  it('decides again on a lost race, against the winner\'s state, and applies the command once', async () => {
    const account = newAccount();
    await deposit(account, 100);
    decided = 0;
    const result = await withRivalAppend(account, () => deposit(account, 5));
    expect(decided).toBe(2);
    expect(result.newState).toEqual({ balance: 1105 });
    expect(await balances(account)).toEqual([100, 1100, 1105]);
    expect(await row(account)).toEqual({ balance: 1105, version: 3 });
  });

  it('gives up after maxAttempts lost races with the ConcurrencyError', async () => {
    const account = newAccount();
    await deposit(account, 100);
    const once = withRivalAppend(account, () =>
      handleCommand(dataSource, { store, streamId: account, decider: accounts, command: { type: 'Deposit', amount: 5 }, metadata: meta, maxAttempts: 1 }),
    );
    await expect(once).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await balances(account)).toEqual([100, 1100]);
  });

  it('decides a batch over many streams in order, refusing commands one by one, with one read and one append', async () => {
    const [a, b, c] = [newAccount(), newAccount(), newAccount()];
    await deposit(a, 100);
    const [sa, sb, sc] = [a, b, c].map((streamId): StreamRef<State, Event> => ({ aggregate: accounts, streamId }));
    /** Pays b first, then takes from a: refused on a, so b's deposit must go too. */
    const transfer = (amount: number): BatchCommand<Event[]> => ({
      streams: [sa, sb],
      decide: (decisions) => {
        const paid = accounts.decide({ type: 'Deposit', amount }, decisions.state(sb));
        decisions.record(sb, paid);
        const taken = accounts.decide({ type: 'Withdraw', amount }, decisions.state(sa));
        decisions.record(sa, taken);
        return [...taken, ...paid];
      },
    });
    const reads = jest.spyOn(store, 'readStreamsForDecision');
    const appends = jest.spyOn(store, 'appendMany');
    try {
      const outcomes = await handleBatch(dataSource, {
        store,
        metadata: meta,
        commands: [transfer(70), transfer(70), command(sc, { type: 'Deposit', amount: 7 }), command(sa, { type: 'Withdraw', amount: 30 }), command(sb, { type: 'Withdraw', amount: 71 })],
        project: (manager, written) => projectBalances(manager, written.of(accounts)),
      });
      expect(outcomes.map((o) => (o.kind === 'refused' ? o.error.code : o.value.map((e) => e.balance)))).toEqual([
        [30, 70],
        'INSUFFICIENT_FUNDS',
        [7],
        [0],
        'INSUFFICIENT_FUNDS',
      ]);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(appends).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
      appends.mockRestore();
    }
    expect(await balances(a)).toEqual([100, 30, 0]);
    expect(await balances(b)).toEqual([70]);
    expect(await balances(c)).toEqual([7]);
    const all = [...(await store.readStream(a)).slice(1), ...(await store.readStream(b)), ...(await store.readStream(c))];
    expect(new Set(all.map((e) => e.transactionId)).size).toBe(1);
    expect(await row(b)).toEqual({ balance: 70, version: 1 });
  });

  it("runs in a savepoint of the caller's transaction: a lost race or a failure undoes only the attempt", async () => {
    const [raced, failed] = [newAccount(), newAccount()];
    await deposit(raced, 100);
    const stream: StreamRef<State, Event> = { aggregate: accounts, streamId: raced };
    decided = 0;
    await withRivalAppend(raced, () =>
      dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO marks (name) VALUES ($1)`, [`before-${raced}`]);
        await handleBatch(manager, { store, metadata: meta, commands: [command(stream, { type: 'Withdraw', amount: 1 })] });
        await manager.query(`INSERT INTO marks (name) VALUES ($1)`, [`after-${raced}`]);
      }),
    );
    expect(decided).toBe(2);
    expect(await balances(raced)).toEqual([100, 1100, 1099]);

    await dataSource.transaction(async (manager) => {
      const batch = handleBatch(manager, {
        store,
        metadata: meta,
        commands: [command({ aggregate: accounts, streamId: failed }, { type: 'Deposit', amount: 1 })],
        project: () => Promise.reject(new Error('the read model is broken')),
      });
      await expect(batch).rejects.toThrow('the read model is broken');
      await manager.query(`INSERT INTO marks (name) VALUES ($1)`, [`after-${failed}`]);
    });
    expect(await balances(failed)).toEqual([]);
    const marks: Array<{ name: string }> = await dataSource.query(`SELECT name FROM marks WHERE name = ANY($1::text[])`, [
      [`before-${raced}`, `after-${raced}`, `after-${failed}`],
    ]);
    expect(marks.map((m) => m.name).sort()).toEqual([`after-${failed}`, `after-${raced}`, `before-${raced}`].sort());
  });

  it('decides from a snapshot only while it is at the stream\'s version', async () => {
    const account = newAccount();
    await deposit(account, 100);
    const stream: StreamRef<State, Event> = { aggregate: withSnapshots, streamId: account };
    const withdrawAll = (): Promise<RecordedEvent[]> =>
      handleBatch(dataSource, {
        store,
        metadata: meta,
        commands: [command(stream, { type: 'Withdraw', amount: 1 })],
        project: (manager, written) => projectBalances(manager, written.of(withSnapshots)),
      }).then(async () => store.readStream(account));

    // At the stream's version: the row is the state (a balance only the row holds proves it was used).
    await dataSource.query(`UPDATE balances SET balance = 500 WHERE stream_id = $1`, [account]);
    expect((await withdrawAll()).map((e) => (e.data as { balance: number }).balance)).toEqual([100, 499]);

    // Behind the stream (or ahead of it): the row is ignored and the stream folded.
    await dataSource.query(`UPDATE balances SET balance = 500, version = 1 WHERE stream_id = $1`, [account]);
    expect((await withdrawAll()).map((e) => (e.data as { balance: number }).balance)).toEqual([100, 499, 498]);
    await dataSource.query(`UPDATE balances SET balance = 500, version = 9 WHERE stream_id = $1`, [account]);
    expect((await withdrawAll()).map((e) => (e.data as { balance: number }).balance)).toEqual([100, 499, 498, 497]);
    expect(await row(account)).toEqual({ balance: 497, version: 4 });

    // A snapshot of a stream that has no events is not taken either.
    const empty = newAccount();
    await dataSource.query(`INSERT INTO balances (stream_id, balance, version) VALUES ($1, 500, 3)`, [empty]);
    const [outcome] = await handleBatch(dataSource, { store, metadata: meta, commands: [command({ aggregate: withSnapshots, streamId: empty }, { type: 'Withdraw', amount: 1 })] });
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'INSUFFICIENT_FUNDS' } });
  });

  it('takes a stream without a snapshot as empty, unread, when the snapshots cover every stream; a stream found to have events after all is read on the retry', async () => {
    const covering: Aggregate<State, Event> = { ...withSnapshots, snapshotsCoverEveryStream: true };
    const depositCovered = (account: string, amount: number) =>
      handleBatch(dataSource, {
        store,
        metadata: meta,
        commands: [command({ aggregate: covering, streamId: account }, { type: 'Deposit', amount })],
        project: (manager, written) => projectBalances(manager, written.of(covering)),
      });
    const reads = jest.spyOn(store, 'readStreamsForDecision');
    try {
      const fresh = newAccount();
      expect(await depositCovered(fresh, 10)).toEqual([{ kind: 'decided', value: [{ type: 'Deposited', amount: 10, balance: 10 }] }]);
      expect(reads.mock.calls.map(([streams]) => streams)).toEqual([[]]);

      // Events without their row (the promise broken): the append refuses the version, and the retry folds the stream.
      const broken = newAccount();
      await deposit(broken, 100);
      await dataSource.query(`DELETE FROM balances WHERE stream_id = $1`, [broken]);
      reads.mockClear();
      decided = 0;
      expect(await depositCovered(broken, 5)).toEqual([{ kind: 'decided', value: [{ type: 'Deposited', amount: 5, balance: 105 }] }]);
      expect(decided).toBe(2);
      expect(reads.mock.calls.map(([streams]) => streams)).toEqual([[], [{ streamId: broken, snapshotVersion: undefined }]]);
      expect(await balances(broken)).toEqual([100, 105]);
    } finally {
      reads.mockRestore();
    }
  });

  it('a dry run decides and records nothing', async () => {
    const account = newAccount();
    await deposit(account, 100);
    const [outcome] = await handleBatch(dataSource, {
      store,
      metadata: meta,
      dryRun: true,
      commands: [command({ aggregate: accounts, streamId: account }, { type: 'Withdraw', amount: 40 })],
      project: () => Promise.reject(new Error('a dry run projects nothing')),
    });
    expect(outcome).toEqual({ kind: 'decided', value: [{ type: 'Withdrawn', amount: 40, balance: 60 }] });
    expect(await balances(account)).toEqual([100]);
  });
});
