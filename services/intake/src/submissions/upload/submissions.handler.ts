import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { ItemSource, SubmittingPartyType } from '@smi/contracts';
import { DomainError } from '@smi/decider';
import { PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE, SERVICE_SETTINGS, instantProblem } from '@smi/service-runtime';
import { currentTraceContext } from '@smi/telemetry';
import { londonDate } from '@smi/working-days';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../../items/page-cursor';
import { PartiesHandler } from '../../parties/parties.handler';
import { PartyView } from '../../parties/parties.dto';
import { IntakeSettings, intakeDatabaseUrl } from '../../settings';
import { REPORT_REJECTIONS_LIMIT, RejectionPage, SubmissionReport } from '../record/submission-report';
import { SubmissionSummary, findSubmission, listSubmissions, rejectionsPage } from '../record/submissions.read-model';
import { ValidationContext } from '../validate/validate-row';
import { countSubmissionRows } from './submission-metrics';
import type { Upload } from './submission-upload';
import { SubmissionWorkerPool } from './submission-worker-pool';

/** A provider allowed to submit, with what its rows may say. */
export interface Submitter {
  readonly partyId: string;
  readonly partyType: SubmittingPartyType;
  readonly source: ItemSource;
  /** Makes the rows may name; undefined when any make is allowed (a CSP with no makes registered). */
  readonly allowedMakes?: readonly string[];
}

const SUBMITTER_SOURCE: Record<SubmittingPartyType, ItemSource> = { manufacturer: 'Device Manufacturer', csp: 'CSP' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isSubmittingPartyType(value: string): value is SubmittingPartyType {
  return value === 'manufacturer' || value === 'csp';
}

@Injectable()
export class SubmissionsHandler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly workers: SubmissionWorkerPool;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(SERVICE_SETTINGS) settings: IntakeSettings,
    private readonly parties: PartiesHandler,
  ) {
    this.workers = new SubmissionWorkerPool({ databaseUrl: intakeDatabaseUrl(settings), sourceService: store.sourceService });
  }

  onApplicationBootstrap(): void {
    this.workers.warm();
  }

  async onModuleDestroy(): Promise<void> {
    await this.workers.close();
  }

  /**
   * Who may submit is decided by the party registry, not by the token alone: the caller's party must be
   * registered by DCC as the same kind of provider, and a manufacturer must have makes to declare.
   */
  async submitter(actor: Actor): Promise<Submitter> {
    if (!isSubmittingPartyType(actor.partyType)) {
      throw new DomainError('FORBIDDEN_PARTY_TYPE', `only manufacturers and CSPs submit files; caller is ${actor.partyType}`);
    }
    let party: PartyView;
    try {
      party = await this.parties.get(actor.partyId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PARTY_NOT_FOUND') {
        throw new DomainError(
          'FORBIDDEN_PARTY_NOT_REGISTERED',
          `party ${actor.partyId} is not registered: DCC must register it as a ${actor.partyType} (with its makes) before it can submit files`,
        );
      }
      throw error;
    }
    if (party.partyType !== actor.partyType) {
      throw new DomainError(
        'FORBIDDEN_PARTY_TYPE_MISMATCH',
        `party ${actor.partyId} is registered as a ${party.partyType}, but the token says ${actor.partyType}`,
      );
    }
    if (actor.partyType === 'manufacturer' && party.makes.length === 0) {
      throw new DomainError(
        'FORBIDDEN_NO_MAKES',
        `manufacturer ${actor.partyId} has no makes registered, so it cannot declare items; ask DCC to register its makes`,
      );
    }
    return {
      partyId: party.partyId,
      partyType: actor.partyType,
      source: SUBMITTER_SOURCE[actor.partyType],
      // A CSP registered without makes supplies Comms Hubs of any make; one with makes answers only for those.
      allowedMakes: party.makes.length > 0 ? party.makes : undefined,
    };
  }

  async submit(submitter: Submitter, upload: Upload, dryRun: boolean, actor: Actor, correlationId: string): Promise<SubmissionReport> {
    const receivedAt = new Date();
    const context: ValidationContext = { submitterSource: submitter.source, today: londonDate(receivedAt), allowedMakes: submitter.allowedMakes };
    const report = await this.workers.run(
      {
        submissionId: randomUUID(),
        providerPartyId: submitter.partyId,
        providerPartyType: submitter.partyType,
        actor,
        correlationId,
        fileName: upload.fileName,
        format: upload.format,
        receivedAt: receivedAt.toISOString(),
        dryRun,
        trace: currentTraceContext(),
      },
      context,
      upload,
    );
    // The worker has committed the file by now; a refused file threw and counts nothing.
    if (!dryRun) countSubmissionRows(report.counts);
    return report;
  }

  /** A provider sees its own submissions only; another's is "not found" so ids reveal nothing. */
  async get(submissionId: string, actor: Actor): Promise<SubmissionReport & { recordedAt: string }> {
    const summary = await this.visible(submissionId, actor);
    const first = await rejectionsPage(this.dataSource, submissionId, 0, REPORT_REJECTIONS_LIMIT);
    return { ...summary, dryRun: false, rejections: first.rejections, nextCursor: first.nextCursor };
  }

  async rejections(submissionId: string, actor: Actor, cursor: string | undefined, limit: number): Promise<RejectionPage> {
    await this.visible(submissionId, actor);
    return rejectionsPage(this.dataSource, submissionId, cursor === undefined ? 0 : Number(cursor), limit);
  }

  async list(actor: Actor, provider: string | undefined, cursor: string | undefined, limit: number): Promise<{ submissions: SubmissionSummary[]; nextCursor: string | null }> {
    if (actor.partyType !== 'dcc' && provider !== undefined && provider !== actor.partyId) {
      throw new DomainError('FORBIDDEN_OTHER_PROVIDER', 'a provider sees only its own submissions');
    }
    const after = decodeCursor(cursor, 2);
    // Strictly: Date.parse reads '12' as a date in 2001, which PostgreSQL then refuses as a timestamp (a 500).
    if (after && (instantProblem(after[0]) !== undefined || !UUID.test(after[1]))) {
      throw new DomainError('INVALID_CURSOR', 'cursor is not one this API returned; start again without it', { field: 'cursor' });
    }
    const page = await listSubmissions(
      this.dataSource,
      actor.partyType === 'dcc' ? provider : actor.partyId,
      after && { receivedAt: after[0], submissionId: after[1] },
      limit,
    );
    return { submissions: page.submissions, nextCursor: page.next ? encodeCursor([page.next.receivedAt, page.next.submissionId]) : null };
  }

  private async visible(submissionId: string, actor: Actor): Promise<SubmissionSummary> {
    const summary = await findSubmission(this.dataSource, submissionId);
    if (summary === undefined || (actor.partyType !== 'dcc' && summary.provider !== actor.partyId)) {
      throw new DomainError('SUBMISSION_NOT_FOUND', `submission ${submissionId} not found`);
    }
    return summary;
  }
}
