import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { DataSource, EntityManager } from 'typeorm';
import { Case, CaseCommand, CaseState, CASE_ERRORS, CatalogueMatch, providerOf } from '../case-aggregate';
import { caseIdFor, CaseWriter, fixTargetCaseId } from '../case-store';
import { CatalogueLookup } from '../catalogue/catalogue-lookup';
import { CaseActionResult, CatalogueChoiceDto, VerifyCaseDto } from './case-actions.dto';

/** A case command as an HTTP action states it: everything but what the request itself supplies. */
export type CaseAction = CaseCommand extends infer C ? (C extends CaseCommand ? Omit<C, 'caseId' | 'actor' | 'correlationId' | 'at'> : never) : never;

interface Request {
  actor: Actor;
  correlationId: string;
}

/**
 * The DCC's, the provider's and the accountable party's actions on a case, through the one write path
 * (CaseWriter). The rules decide who may do what in which state; this adds what they cannot know:
 * - a party that can have nothing to do with the case (neither DCC, its provider nor its accountable party)
 *   is told the case does not exist, so case ids cannot be used to learn what other parties submitted;
 * - a refusal that names who may act is told to other parties without naming them;
 * - verification resolves the case's make and model through the DCC catalogue, mapping a new spelling the
 *   verifier chose in the same transaction, so a refused verification adds no alias either.
 */
@Injectable()
export class CaseActionsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: CaseWriter,
    private readonly catalogue: CatalogueLookup,
  ) {}

  async act(caseId: string, action: CaseAction, request: Request): Promise<CaseActionResult> {
    return this.run(caseId, request, () => this.execute(caseId, action, request));
  }

  /** R5 by a fix proposal's id: the proposal's case. */
  confirmFixProposal(fixId: string, action: Extract<CaseAction, { type: 'ConfirmFix' }>, request: Request): Promise<CaseActionResult> {
    return this.act(caseIdFor({ kind: 'fix', fixId }), action, request);
  }

  async verify(caseId: string, body: VerifyCaseDto, request: Request): Promise<CaseActionResult> {
    return this.run(caseId, request, () =>
      this.dataSource.transaction(async (manager) => {
        const state = await this.writer.state(caseId, manager);
        // A missing case is the rules' 404; they need some catalogue answer to get there.
        const catalogue = state.kind === 'case' ? await this.catalogueMatch(state, body.catalogue, request, manager) : ({ missing: 'make' } as const);
        return this.execute(caseId, { type: 'VerifyCase', checks: body.checks, note: body.note, catalogue }, request, manager);
      }),
    );
  }

  private async run(caseId: string, request: Request, action: () => Promise<CaseActionResult>): Promise<CaseActionResult> {
    if (request.actor.partyType !== 'dcc') await this.assertInvolved(caseId, request.actor);
    try {
      return await action();
    } catch (error) {
      if (error instanceof DomainError && request.actor.partyType !== 'dcc' && error.code.startsWith('FORBIDDEN')) {
        throw new DomainError(error.code, 'your party may not take this action on this case', {});
      }
      throw error;
    }
  }

  private async execute(caseId: string, action: CaseAction, request: Request, manager?: EntityManager): Promise<CaseActionResult> {
    const command = { ...action, caseId, actor: request.actor, correlationId: request.correlationId, at: new Date().toISOString() } as CaseCommand;
    const { state, events } = await this.writer.execute(command, { manager });
    return { caseId, state: state.kind === 'case' ? state.state : 'queued', recorded: events.map((e) => e.type) };
  }

  /** Outside DCC, only the case's provider and its accountable party may act on it, or learn that it exists. */
  private async assertInvolved(caseId: string, actor: Actor): Promise<void> {
    const state = await this.writer.state(caseId);
    const involved = state.kind === 'case' && (providerOf(state.subject) === actor.partyId || state.accountable?.partyId === actor.partyId);
    if (!involved) throw new DomainError(CASE_ERRORS.CASE_NOT_FOUND, `case ${caseId} does not exist`, { caseId });
  }

  /**
   * The canonical make and model for the case's spellings. A fix proposal for an item or a report is about
   * that item's device, so it is matched by the target's spellings.
   */
  private async catalogueMatch(state: Case, choice: CatalogueChoiceDto | undefined, request: Request, manager: EntityManager): Promise<CatalogueMatch> {
    const spelled = await this.spellings(state, manager);
    if (spelled === null) {
      // A fix naming an item this service never received has no spellings: the rules refuse it until its
      // reference is settled, and then the verifier names the catalogue entry itself.
      if (choice?.modelId === undefined) return { missing: 'make' };
      return this.catalogue.byIds(choice.makeId, choice.modelId, manager);
    }
    let resolution = await this.catalogue.resolve(spelled.make, spelled.model, manager);
    if (choice !== undefined) {
      const context = { actor: request.actor, correlationId: request.correlationId, manager };
      if ('missing' in resolution && resolution.missing === 'make') {
        await this.catalogue.addAlias({ makeId: choice.makeId }, spelled.make, context);
        resolution = await this.catalogue.resolve(spelled.make, spelled.model, manager);
      }
      if ('missing' in resolution && resolution.missing === 'model' && choice.modelId !== undefined) {
        await this.catalogue.addAlias({ makeId: choice.makeId, modelId: choice.modelId }, spelled.model, context);
        resolution = await this.catalogue.resolve(spelled.make, spelled.model, manager);
      }
      if (!('missing' in resolution) && (resolution.makeId !== choice.makeId || (choice.modelId !== undefined && resolution.modelId !== choice.modelId))) {
        throw new DomainError('CATALOGUE_CHOICE_CONFLICT', `"${spelled.make}" / "${spelled.model}" already map to ${resolution.make} ${resolution.model} in the catalogue`, {
          field: 'catalogue',
          makeId: resolution.makeId,
          modelId: resolution.modelId,
        });
      }
    }
    return 'missing' in resolution ? { missing: resolution.missing } : resolution;
  }

  private async spellings(state: Case, manager: EntityManager): Promise<{ make: string; model: string } | null> {
    const { subject } = state;
    if (subject.kind !== 'fix') return { make: subject.make, model: subject.model };
    if (subject.make !== null && subject.model !== null) return { make: subject.make, model: subject.model };
    const targetId = fixTargetCaseId(subject.target);
    if (targetId === null) return null;
    const target: CaseState = await this.writer.state(targetId, manager);
    if (target.kind !== 'case' || target.subject.kind === 'fix' || target.subject.make === null) return null;
    return { make: target.subject.make, model: target.subject.model };
  }
}
