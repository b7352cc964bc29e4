import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { fold } from '@smi/decider';
import { handleCommand, PostgresEventStore, RecordedEvent, toDomainEvent } from '@smi/event-store';
import { EVENT_STORE, PlatformLifecycle } from '@smi/service-runtime';
import { londonDate } from '@smi/working-days';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { nonSuppliersIn, submissionsIn } from '../data-supply';
import { ReleaseContents, ReleaseCut, releaseDecider, releasableQuarter, ReleaseEvent, RELEASES_STREAM } from './release.decider';
import { cataloguePositions, copyEdition, countEdition, RELEASE_SOURCES } from './release-snapshot';
import { RELEASES_LOCK, RELEASES_OPTIONS, ReleasesOptions } from './releases-options';
import { waitUntil } from './wait-until';

/**
 * Cutting a release: the one command path (decider + handleCommand), with the copy of the catalogue in the same
 * transaction as ReleaseCut, so a release is recorded with all its rows or not at all.
 *
 * 1. The label is checked against the releases so far before anything is copied.
 * 2. The read models the release is copied from are given time to apply every event publication has recorded
 *    (PUBLICATION_RELEASE_CATCH_UP_MS); past it the cut is refused 503, nothing recorded.
 * 3. Under the releases lock, one REPEATABLE READ transaction: both editions and the cover sheet's facts are read
 *    from one snapshot of the database, so they agree with each other and with the read models' positions
 *    recorded in the event; the rows are copied; the decider decides the number from the stream in that snapshot
 *    (current, since nothing else appends to it while the lock is held); ReleaseCut and the `releases` row are
 *    written.
 */
@Injectable()
export class ReleaseCutHandler {
  private readonly logger = new Logger(ReleaseCutHandler.name);
  private readonly decider: ReturnType<typeof releaseDecider>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(RELEASES_OPTIONS) private readonly options: ReleasesOptions,
    private readonly platform: PlatformLifecycle,
  ) {
    this.decider = releaseDecider(options.holidays);
  }

  /** Cuts the release; returns its number. */
  async cut(label: string, context: { actor: Actor; correlationId: string }): Promise<number> {
    releasableQuarter(await this.state(this.dataSource.manager), label, londonDate(this.options.clock.now()));
    await this.catalogueCaughtUp();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [RELEASES_LOCK]);
      try {
        return await this.cutLocked(runner, label, context);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [RELEASES_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async cutLocked(runner: QueryRunner, label: string, context: { actor: Actor; correlationId: string }): Promise<number> {
    await runner.startTransaction('REPEATABLE READ');
    try {
      const manager = runner.manager;
      // Before the first query, which fixes the transaction's snapshot: a rebuild switching a view to its new table
      // waits for the cut (or the cut for it), so the rows copied and the checkpoints recorded are of the same tables.
      await manager.query(`LOCK TABLE ${RELEASE_SOURCES.join(', ')} IN ACCESS SHARE MODE`);
      const now = this.options.clock.now();
      const today = londonDate(now);
      const { quarter, number, previousRelease } = releasableQuarter(await this.state(manager), label, today);
      const catalogue = await cataloguePositions(manager);
      await copyEdition(manager, 'public', number, previousRelease);
      await copyEdition(manager, 'dcc', number, previousRelease);
      const contents: ReleaseContents = {
        catalogue,
        editions: { dcc: await countEdition(manager, 'dcc', number, previousRelease), public: await countEdition(manager, 'public', number, previousRelease) },
        nonSuppliers: await nonSuppliersIn(manager, quarter),
        submissions: await submissionsIn(manager, quarter),
      };
      const { events } = await handleCommand(manager, {
        store: this.store,
        streamId: RELEASES_STREAM,
        decider: this.decider,
        command: { type: 'CutRelease', label, countedAgainst: previousRelease, contents, today, at: now.toISOString() },
        metadata: { correlationId: context.correlationId, actor: context.actor },
        project: (m, recorded) => projectReleases(m, recorded, context.actor),
      });
      const cut = events[0] as ReleaseCut;
      // The rows were copied under the number the lock made certain; the decider must have agreed.
      if (cut.number !== number) throw new Error(`release decided as ${cut.number}, copied as ${number}`);
      await runner.commitTransaction();
      this.logger.log({ msg: 'release cut', number, label, publicItems: contents.editions.public.items, dccItems: contents.editions.dcc.items });
      return number;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  private async state(manager: EntityManager) {
    const events = await this.store.readStream(RELEASES_STREAM, {}, manager);
    return fold(this.decider, events.map((e) => toDomainEvent<ReleaseEvent>(e)));
  }

  /** Waits until the read models a release is drawn from have applied every event of their types recorded so far. */
  private async catalogueCaughtUp(): Promise<void> {
    const caughtUp = await waitUntil(async () => {
      const status = await this.platform.projectionStatus();
      return RELEASE_SOURCES.every((name) => status.some((s) => s.projection === name && s.lag === 0));
    }, this.options.catchUpMs);
    if (!caughtUp) {
      throw new HttpException(
        {
          statusCode: 503,
          error: 'Service Unavailable',
          code: 'CATALOGUE_CATCHING_UP',
          message: `the catalogue is still applying recorded events (${RELEASE_SOURCES.join(', ')}); nothing was cut, try again shortly`,
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }
}

/** The releases and release_dues tables follow the stream in the transaction of its events. */
export async function projectReleases(manager: EntityManager, recorded: RecordedEvent[], actor: Actor): Promise<void> {
  for (const record of recorded) {
    const event = toDomainEvent<ReleaseEvent>(record);
    if (event.type === 'ReleaseCut') {
      const { type: _type, ...contents } = event;
      await manager.query(
        `INSERT INTO releases (number, label, period_from, period_to, previous_release, cut_at, cut_by, contents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [event.number, event.label, event.period.from, event.period.to, event.previousRelease, event.cutAt, JSON.stringify(actor), JSON.stringify(contents)],
      );
    } else {
      await manager.query(`INSERT INTO release_dues (label, period_from, period_to, due_by, detected_at) VALUES ($1, $2, $3, $4, $5)`, [
        event.label,
        event.period.from,
        event.period.to,
        event.dueBy,
        event.detectedAt,
      ]);
    }
  }
}
