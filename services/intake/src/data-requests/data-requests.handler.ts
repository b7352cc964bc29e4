import { Inject, Injectable, Logger } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { Decider, DomainError } from '@smi/decider';
import { AppendMetadata, handleCommand, PostgresEventStore, RecordedEvent, toDomainEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { addCalendarDays, HolidayLookup, londonDate } from '@smi/working-days';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PartiesHandler } from '../parties/parties.handler';
import { PartyView } from '../parties/parties.dto';
import { BANK_HOLIDAYS, Clock, CLOCK } from './clock';
import { canReadDataRequest, seesAllDataRequests } from './data-request-access';
import {
  DataRequestCommand,
  dataRequestDecider,
  DataRequestEvent,
  DataRequestState,
  DataRequestStatus,
  dataRequestStreamId,
} from './data-request.decider';
import { DataRequestView, IssueDataRequestDto, NonSuppliersView } from './data-requests.dto';
import { deliveryWindowIfAny } from './delivery-window';
import { parseQuarter } from './quarter';

interface DataRequestRow {
  request_id: string;
  provider_party_id: string;
  provider_party_type: string;
  agreed_delivery_date: string;
  note: string | null;
  status: DataRequestStatus;
  issued_at: Date;
  overdue_since: string | null;
  submission_id: string | null;
  received_at: Date | null;
  late: boolean | null;
  fulfilled_at: Date | null;
}

// `date` columns as text: node-postgres would read them as local-midnight Date objects.
const COLUMNS = `request_id, provider_party_id, provider_party_type, agreed_delivery_date::text AS agreed_delivery_date, note, status,
  issued_at, overdue_since::text AS overdue_since, submission_id, received_at, late, fulfilled_at`;

/** Who records what the system itself decides (fulfilment by a submission, overdue): never a person. */
export const DATA_REQUESTS_SYSTEM_ACTOR: Actor = { userId: 'system:intake.data-requests', partyId: 'DCC', partyType: 'dcc', roles: ['system'] };

/** The earliest 16th working day after a date is 16 calendar days later; anything younger cannot be overdue. */
const MIN_CALENDAR_DAYS_TO_OVERDUE = 16;

export function dataRequestIdFor(n: number): string {
  return `DR-${String(n).padStart(6, '0')}`;
}

export interface SubmissionReceived {
  submissionId: string;
  providerPartyId: string;
  receivedAt: string;
}

@Injectable()
export class DataRequestsHandler {
  private readonly logger = new Logger(DataRequestsHandler.name);
  private readonly decider: Decider<DataRequestCommand, DataRequestState, DataRequestEvent>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(BANK_HOLIDAYS) private readonly holidays: HolidayLookup,
    private readonly parties: PartiesHandler,
  ) {
    this.decider = dataRequestDecider(holidays);
  }

  async issue(dto: IssueDataRequestDto, actor: Actor, correlationId: string): Promise<DataRequestView> {
    const provider = await this.registeredParty(dto.providerPartyId);
    const rows: Array<{ n: string }> = await this.dataSource.query(`SELECT nextval('data_request_number_seq')::text AS n`);
    const requestId = dataRequestIdFor(Number(rows[0].n));
    const now = this.clock.now();
    await this.execute(
      requestId,
      {
        type: 'IssueDataRequest',
        requestId,
        providerPartyId: dto.providerPartyId,
        provider: provider && { partyType: provider.partyType },
        agreedDeliveryDate: dto.agreedDeliveryDate,
        note: dto.note ?? null,
        today: londonDate(now),
        at: now.toISOString(),
      },
      { correlationId, actor },
    );
    return this.get(requestId, actor);
  }

  async list(actor: Actor, status?: DataRequestStatus): Promise<DataRequestView[]> {
    const rows: DataRequestRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM data_requests
       WHERE ($1::text IS NULL OR provider_party_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY request_number`,
      [seesAllDataRequests(actor) ? null : actor.partyId, status ?? null],
    );
    return rows.map((row) => this.toView(row));
  }

  async get(requestId: string, actor: Actor): Promise<DataRequestView> {
    const rows: DataRequestRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM data_requests WHERE request_id = $1`, [requestId]);
    const view = rows[0] ? this.toView(rows[0]) : undefined;
    if (!view || !canReadDataRequest(actor, view)) throw new DomainError('DATA_REQUEST_NOT_FOUND', `data request ${requestId} does not exist`);
    return view;
  }

  /**
   * The providers to note on a release's cover sheet: those with a request whose agreed delivery date
   * falls in the quarter and that no submission has fulfilled (overdue, or open if its window is still
   * running when the list is drawn up). A late delivery counts as supplied.
   */
  async nonSuppliers(quarterText: string): Promise<NonSuppliersView> {
    const quarter = parseQuarter(quarterText);
    const rows: DataRequestRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM data_requests
       WHERE agreed_delivery_date BETWEEN $1::date AND $2::date AND status IN ('open', 'overdue')
       ORDER BY provider_party_id, request_number`,
      [quarter.from, quarter.to],
    );
    const names = new Map((await this.parties.list()).map((p) => [p.partyId, p.name]));
    const providers = new Map<string, NonSuppliersView['providers'][number]>();
    for (const row of rows) {
      const view = this.toView(row);
      let entry = providers.get(view.providerPartyId);
      if (!entry) {
        entry = { providerPartyId: view.providerPartyId, providerName: names.get(view.providerPartyId) ?? null, providerPartyType: view.providerPartyType, requests: [] };
        providers.set(view.providerPartyId, entry);
      }
      entry.requests.push({ requestId: view.requestId, agreedDeliveryDate: view.agreedDeliveryDate, status: view.status, overdueFrom: view.overdueFrom, overdueSince: view.overdueSince });
    }
    return { ...quarter, asOf: this.clock.now().toISOString(), providers: [...providers.values()] };
  }

  /** A submission from a provider fulfils each of its requests still open or overdue. Returns the ids fulfilled. */
  async fulfilFromSubmission(
    submission: SubmissionReceived,
    cause: { correlationId: string; causationId: string },
    manager?: EntityManager,
  ): Promise<string[]> {
    const rows: Array<{ request_id: string }> = await (manager ?? this.dataSource).query(
      `SELECT request_id FROM data_requests WHERE provider_party_id = $1 AND status IN ('open', 'overdue') ORDER BY request_number`,
      [submission.providerPartyId],
    );
    const fulfilled: string[] = [];
    for (const { request_id: requestId } of rows) {
      const result = await this.execute(
        requestId,
        { type: 'FulfilDataRequest', requestId, ...submission, at: this.clock.now().toISOString() },
        { ...cause, actor: DATA_REQUESTS_SYSTEM_ACTOR, submissionId: submission.submissionId },
        manager,
      );
      if (result.length > 0) fulfilled.push(requestId);
    }
    return fulfilled;
  }

  /**
   * Records DataRequestOverdue for every open request whose 15 working days have run out. Safe to run on
   * every instance at once: each request's stream is appended at an expected version and the decider
   * marks a request once, so a lost race re-decides to nothing. Returns the ids marked by this call.
   */
  async markOverdueRequests(): Promise<string[]> {
    const now = this.clock.now();
    const today = londonDate(now);
    const candidates: Array<{ request_id: string }> = await this.dataSource.query(
      `SELECT request_id FROM data_requests WHERE status = 'open' AND agreed_delivery_date <= $1::date ORDER BY request_number`,
      [addCalendarDays(today, -MIN_CALENDAR_DAYS_TO_OVERDUE)],
    );
    const correlationId = `overdue-check:${randomUUID()}`;
    const marked: string[] = [];
    for (const { request_id: requestId } of candidates) {
      try {
        const recorded = await this.execute(requestId, { type: 'MarkDataRequestOverdue', requestId, today, at: now.toISOString() }, { correlationId, actor: DATA_REQUESTS_SYSTEM_ACTOR });
        if (recorded.length > 0) marked.push(requestId);
      } catch (error) {
        // One request failing must not stop the others being chased; the next check tries it again.
        this.logger.error({ msg: 'could not mark data request overdue', requestId, error: (error as Error).message });
      }
    }
    if (marked.length > 0) this.logger.log({ msg: 'data requests overdue: SECAS to chase', requestIds: marked, today });
    return marked;
  }

  /** In a transaction of its own, or in a savepoint of `manager`'s (the fulfilment reaction's batch). */
  private async execute(requestId: string, command: DataRequestCommand, metadata: AppendMetadata, manager?: EntityManager): Promise<RecordedEvent[]> {
    const result = await handleCommand(manager ?? this.dataSource, {
      store: this.store,
      streamId: dataRequestStreamId(requestId),
      decider: this.decider,
      command,
      metadata,
      project: (manager, recorded) => projectDataRequests(manager, recorded),
    });
    return result.recorded;
  }

  private async registeredParty(partyId: string): Promise<PartyView | undefined> {
    try {
      return await this.parties.get(partyId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PARTY_NOT_FOUND') return undefined;
      throw error;
    }
  }

  private toView(row: DataRequestRow): DataRequestView {
    // Computed when read, not stored: a bank holiday announced later moves the deadline of open requests too.
    const window = deliveryWindowIfAny(row.agreed_delivery_date, this.holidays);
    return {
      requestId: row.request_id,
      providerPartyId: row.provider_party_id,
      providerPartyType: row.provider_party_type,
      agreedDeliveryDate: row.agreed_delivery_date,
      lastDeliveryDay: window?.lastDeliveryDay ?? null,
      overdueFrom: window?.overdueFrom ?? null,
      note: row.note,
      status: row.status,
      issuedAt: new Date(row.issued_at).toISOString(),
      overdueSince: row.overdue_since,
      fulfilment:
        row.submission_id === null
          ? null
          : { submissionId: row.submission_id, receivedAt: new Date(row.received_at!).toISOString(), late: row.late === true, fulfilledAt: new Date(row.fulfilled_at!).toISOString() },
    };
  }
}

/** The data_requests read model, updated in the transaction of the events (exported for tests that record as an older version did). */
export async function projectDataRequests(manager: EntityManager, recorded: RecordedEvent[]): Promise<void> {
  for (const record of recorded) {
    const event = toDomainEvent<DataRequestEvent>(record);
    switch (event.type) {
      case 'DataRequestIssued':
        await manager.query(
          `INSERT INTO data_requests (request_id, request_number, provider_party_id, provider_party_type, agreed_delivery_date, note, status, issued_at, version)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8)`,
          [event.requestId, Number(event.requestId.slice(3)), event.providerPartyId, event.providerPartyType, event.agreedDeliveryDate, event.note, event.issuedAt, record.streamVersion],
        );
        break;
      case 'DataRequestFulfilled':
        await manager.query(
          `UPDATE data_requests SET status = 'fulfilled', submission_id = $2, received_at = $3, late = $4, fulfilled_at = $5, version = $6 WHERE request_id = $1`,
          [event.requestId, event.submissionId, event.receivedAt, event.late, event.fulfilledAt, record.streamVersion],
        );
        break;
      case 'DataRequestOverdue':
        await manager.query(`UPDATE data_requests SET status = 'overdue', overdue_since = $2, version = $3 WHERE request_id = $1`, [
          event.requestId,
          event.overdueSince,
          record.streamVersion,
        ]);
        break;
    }
  }
}
