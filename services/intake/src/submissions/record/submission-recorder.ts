import { SubmittingPartyType } from '@smi/contracts';
import { Actor, Aggregate, AppendMetadata, Decisions, PostgresEventStore, StreamRef, WrittenStream, handleBatch, handleCommand, toDomainEvent } from '@smi/event-store';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import {
  ItemEvent,
  ItemState,
  NO_OTHER_PROVIDERS,
  OtherProvidersItems,
  deviceKey,
  itemDecider,
  itemStreamId,
  needsDuplicateCheck,
} from '../../items/item.decider';
import {
  FlagWrite,
  ItemWrite,
  findOtherProvidersItems,
  insertPossibleDuplicates,
  loadHeldItems,
  makeKey,
  makesSharedWithOthers,
  rememberProviderMakes,
  upsertItems,
} from '../../items/items.read-model';
import type { DetectedEncoding } from '../decode/decode-submission';
import type { SubmittedItem } from '../../item-content/submitted-item';
import { SubmissionRecorded, submissionDecider, submissionStreamId } from './submission-events';
import { REPORT_REJECTIONS_LIMIT, RejectionEntry, SubmissionReport } from './submission-report';
import type { SubmissionFormat } from './submission-report';
import { NumberedRejection, insertRejections, projectSubmission } from './submissions.read-model';
import type { SubmissionOutcome } from '../validate/validate-submission';

export interface SubmissionRequest {
  readonly submissionId: string;
  readonly providerPartyId: string;
  readonly providerPartyType: SubmittingPartyType;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly fileName: string | null;
  readonly format: SubmissionFormat;
  /** ISO 8601 instant the upload was received. */
  readonly receivedAt: string;
  readonly dryRun: boolean;
  /** W3C trace context of the HTTP request, stamped on the events so one trace runs through to Kafka. */
  readonly trace?: { readonly traceparent?: string; readonly tracestate?: string };
}

/** A file being read: its row outcomes, and what is known about it once they are exhausted. */
export interface ReadSubmission {
  readonly outcomes: AsyncIterable<SubmissionOutcome>;
  encoding(): DetectedEncoding | null;
  byteCount(): number;
}

export interface RecorderOptions {
  /** Valid rows decided together: one SELECT of held items, one read of their streams, one appendMany, one upsert per chunk. */
  readonly chunkRows?: number;
  /** Rejections listed inline in the report. */
  readonly reportRejections?: number;
}

export const DEFAULT_CHUNK_ROWS = 2000;

/**
 * Every submission takes this lock for its whole transaction, so two uploads never decide against the same
 * held items at once (no lost revision, no concurrency failure halfway through a file) and each sees the
 * other's items when looking for possible duplicates across providers.
 */
const SUBMISSIONS_LOCK = 'intake:submissions';

interface ValidRow {
  readonly row: number;
  readonly item: SubmittedItem;
}

interface Chunk {
  readonly valid: ValidRow[];
  readonly rejections: NumberedRejection[];
}

/**
 * Records a submission as it streams in. Rows are validated as they arrive and written in chunks inside
 * ONE transaction that commits only after the file has been read to its end, so a file-level error found
 * late (an unclosed quote on the last line) leaves nothing behind, while memory stays bounded by the chunk
 * size. The next chunk is parsed while the previous one is being written.
 */
export class SubmissionRecorder {
  private readonly chunkRows: number;
  private readonly reportRejections: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    options: RecorderOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
    this.reportRejections = options.reportRejections ?? REPORT_REJECTIONS_LIMIT;
  }

  async record(request: SubmissionRequest, submission: ReadSubmission): Promise<SubmissionReport> {
    const run = new SubmissionRun(this.dataSource, this.store, request, this.reportRejections);
    try {
      for await (const outcome of submission.outcomes) {
        run.add(outcome);
        if (run.pendingValid >= this.chunkRows || run.pendingRejections >= this.chunkRows) await run.flush();
      }
      await run.flush();
      await run.settle();
      const report = run.report(submission.encoding(), submission.byteCount());
      if (!request.dryRun) await run.commit(report);
      return report;
    } catch (error) {
      await run.abort();
      throw error;
    }
  }
}

class SubmissionRun {
  private runner?: QueryRunner;
  private inFlight: Promise<void> = Promise.resolve();
  private valid: ValidRow[] = [];
  private rejections: NumberedRejection[] = [];
  private rows = 0;
  private readonly counts = { accepted: 0, unchanged: 0, revised: 0, rejected: 0 };
  private possibleDuplicates = 0;
  private rejectionsTotal = 0;
  private readonly shown: RejectionEntry[] = [];
  private readonly metadata: AppendMetadata;
  /**
   * Per make (lower-cased): whether another provider has items of it. Stable for the whole submission, since
   * the submissions lock keeps other providers' submissions out meanwhile.
   */
  private readonly makeShared = new Map<string, boolean>();
  /** Makes already noted in item_provider_makes for this provider. */
  private readonly makesNoted = new Set<string>();
  /**
   * The provider's items. Their `items` rows are snapshots: written with the items' events, each is the state of its
   * stream at the row's version, so a chunk reads one narrow row per item instead of every event.
   */
  private readonly items: Aggregate<ItemState, ItemEvent>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    private readonly request: SubmissionRequest,
    private readonly reportRejections: number,
  ) {
    this.metadata = { ...request.trace, correlationId: request.correlationId, actor: request.actor, submissionId: request.submissionId };
    const provider = request.providerPartyId;
    const prefix = itemStreamId(provider, '');
    this.items = {
      initialState: () => itemDecider.initialState(),
      evolve: (state, event) => itemDecider.evolve(state, event),
      loadSnapshots: async (manager, streamIds) => {
        const held = await loadHeldItems(manager, provider, streamIds.map((streamId) => streamId.slice(prefix.length)));
        return new Map([...held].map(([identifier, snapshot]) => [itemStreamId(provider, identifier), snapshot]));
      },
      // Item streams are written only here, each with its `items` row from its first event (every state but
      // `absent` is held and upserted by project()), so an item without a row has no events: a file of new items
      // then reads no event stream at all (it was a probe of the event table per row, 1 s of PostgreSQL per 100,000).
      snapshotsCoverEveryStream: true,
    };
  }

  get pendingValid(): number {
    return this.valid.length;
  }

  get pendingRejections(): number {
    return this.rejections.length;
  }

  add(outcome: SubmissionOutcome): void {
    this.rows += 1;
    if (outcome.kind === 'valid') {
      this.valid.push({ row: outcome.row, item: outcome.item });
      return;
    }
    this.counts.rejected += 1;
    for (const error of outcome.errors) {
      this.rejectionsTotal += 1;
      if (this.shown.length < this.reportRejections) this.shown.push(error);
      if (!this.request.dryRun) this.rejections.push({ ...error, ordinal: this.rejectionsTotal });
    }
  }

  /** Hands the pending rows to the writer; waits only for the chunk before, so at most two are held. */
  async flush(): Promise<void> {
    if (this.valid.length === 0 && this.rejections.length === 0) return;
    const chunk: Chunk = { valid: this.valid, rejections: this.rejections };
    this.valid = [];
    this.rejections = [];
    await this.inFlight;
    const writing = this.write(chunk);
    // Its failure is rethrown by the next flush or settle; this only stops it counting as unhandled meanwhile.
    writing.catch(() => undefined);
    this.inFlight = writing;
  }

  settle(): Promise<void> {
    return this.inFlight;
  }

  report(encoding: DetectedEncoding | null, byteCount: number): SubmissionReport {
    const { request } = this;
    return {
      submissionId: request.submissionId,
      dryRun: request.dryRun,
      provider: request.providerPartyId,
      providerPartyType: request.providerPartyType,
      submittedBy: request.actor.userId,
      fileName: request.fileName,
      format: request.format,
      encoding,
      byteCount,
      rows: this.rows,
      counts: { ...this.counts },
      possibleDuplicates: this.possibleDuplicates,
      receivedAt: request.receivedAt,
      rejections: this.shown,
      rejectionsTotal: this.rejectionsTotal,
      // Ordinals start at 1, so the last one listed is the count listed.
      nextCursor: !request.dryRun && this.rejectionsTotal > this.shown.length ? String(this.shown.length) : null,
    };
  }

  async commit(report: SubmissionReport): Promise<void> {
    const runner = await this.transaction();
    await handleCommand(runner.manager, {
      store: this.store,
      streamId: submissionStreamId(report.submissionId),
      decider: submissionDecider,
      command: { type: 'RecordSubmission', report },
      metadata: this.metadata,
      project: async (manager, [recorded]) => {
        const { type: _type, ...data } = toDomainEvent<SubmissionRecorded>(recorded);
        await projectSubmission(manager, data, this.request.actor.userId, this.request.correlationId, recorded.recordedAt);
      },
    });
    await runner.commitTransaction();
    await this.release();
  }

  async abort(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    if (this.runner?.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
    await this.release();
  }

  private async release(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    if (runner && !runner.isReleased) await runner.release();
  }

  /** Begun on the first write, so files refused at their header never touch the database. */
  private async transaction(): Promise<QueryRunner> {
    if (this.runner) return this.runner;
    const runner = this.dataSource.createQueryRunner();
    this.runner = runner;
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [SUBMISSIONS_LOCK]);
    return runner;
  }

  /**
   * Decides a chunk's valid rows as one batch on the command path (in a savepoint of the submission's transaction;
   * a dry run only reads, outside any transaction: it must not hold the lock or record anything), then records
   * the chunk's rejections.
   */
  private async write(chunk: Chunk): Promise<void> {
    const { request } = this;
    const manager = request.dryRun ? undefined : (await this.transaction()).manager;
    const provider = request.providerPartyId;
    const streams: Array<StreamRef<ItemState, ItemEvent>> = chunk.valid.map(({ item }) => ({ aggregate: this.items, streamId: itemStreamId(provider, item.identifier) }));
    let others = new Map<string, OtherProvidersItems>();
    let notedMakes: string[] = [];
    const outcomes = await handleBatch(manager ?? this.dataSource, {
      store: this.store,
      metadata: this.metadata,
      dryRun: request.dryRun,
      commands: chunk.valid.map(({ row, item }, i) => ({
        streams: [streams[i]],
        decide: (decisions) => {
          const command = { type: 'SubmitItem', submissionId: request.submissionId, providerPartyId: provider, item, at: request.receivedAt } as const;
          const events = itemDecider.decide({ ...command, otherProviders: others.get(deviceKey(item)) ?? NO_OTHER_PROVIDERS }, decisions.state(streams[i]));
          decisions.record(streams[i], events, { row });
          return events;
        },
      })),
      prepare: async (db, decisions) => {
        others = await this.otherProviders(db, chunk.valid, streams, decisions);
      },
      project: async (db, written) => {
        notedMakes = await this.project(db, written.of(this.items));
      },
    });
    for (const make of notedMakes) this.makesNoted.add(make);
    for (const outcome of outcomes) {
      // Item rules refuse nothing: every row is decided.
      if (outcome.kind !== 'decided') throw outcome.error;
      const [first] = outcome.value;
      if (first === undefined) this.counts.unchanged += 1;
      else if (first.type === 'ItemSubmitted') this.counts.accepted += 1;
      else this.counts.revised += 1;
      this.possibleDuplicates += outcome.value.filter((event) => event.type === 'PossibleDuplicateFlagged').length;
    }
    if (manager) await insertRejections(manager, request.submissionId, chunk.rejections);
  }

  /**
   * Other providers' items naming the same device, for the rows that newly name their device combination; only makes
   * another provider also submits can have one.
   */
  private async otherProviders(
    db: EntityManager,
    rows: readonly ValidRow[],
    streams: ReadonlyArray<StreamRef<ItemState, ItemEvent>>,
    decisions: Pick<Decisions, 'state'>,
  ): Promise<Map<string, OtherProvidersItems>> {
    const provider = this.request.providerPartyId;
    const candidates = rows.filter((row, i) => needsDuplicateCheck(decisions.state(streams[i]), row.item)).map((row) => row.item);
    const unknownMakes = [...new Set(candidates.map((item) => makeKey(item.make)))].filter((key) => !this.makeShared.has(key));
    if (unknownMakes.length > 0) {
      const shared = await makesSharedWithOthers(db, provider, unknownMakes);
      for (const key of unknownMakes) this.makeShared.set(key, shared.has(key));
    }
    return findOtherProvidersItems(db, provider, candidates.filter((item) => this.makeShared.get(makeKey(item.make))));
  }

  /** The chunk's items and possible duplicates into the read model; returns the makes newly noted for the provider. */
  private async project(db: EntityManager, written: WrittenStream<ItemState>[]): Promise<string[]> {
    const { request } = this;
    const provider = request.providerPartyId;
    const items: ItemWrite[] = [];
    const flags: FlagWrite[] = [];
    for (const { state, version, recorded } of written) {
      if (state.kind !== 'held') continue;
      items.push({ item: state.item, contentHash: state.contentHash, version, row: recorded[0].metadata.row as number });
      for (const event of recorded) {
        if (event.type !== 'PossibleDuplicateFlagged') continue;
        const { matches, matchCount } = event.data as { matches: FlagWrite['matches']; matchCount: number };
        flags.push({ item: state.item, matches, matchCount, itemVersion: version });
      }
    }
    await upsertItems(db, provider, request.submissionId, request.receivedAt, items);
    const newMakes = [...new Set(items.map((write) => makeKey(write.item.make)))].filter((key) => !this.makesNoted.has(key));
    await rememberProviderMakes(db, provider, newMakes);
    await insertPossibleDuplicates(db, provider, request.submissionId, request.receivedAt, flags);
    return newMakes;
  }
}
