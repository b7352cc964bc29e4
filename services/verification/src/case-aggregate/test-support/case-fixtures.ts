import { AccountableParty, FixProposedData, ItemReportedData, ItemRevisedData, ItemSubmittedData, PossibleDuplicateFlaggedData } from '@smi/contracts';
import { fold } from '@smi/decider';
import { Actor, CaseCommand, CaseEvent, caseDecider, CaseState, CatalogueMatch } from '..';

/*
 * Cases, actors and commands for the decider specs: one of each kind of case, every party that acts on
 * them, and a way to drive a case through the workflow to any state.
 */

export const AT = '2026-03-02T10:00:00.000Z';
export const LATER = '2026-03-03T10:00:00.000Z';

export const VERIFIER: Actor = { userId: 'dcc-verifier-1', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };
export const VERIFIER_2: Actor = { userId: 'dcc-verifier-2', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };
export const DCC_READER: Actor = { userId: 'dcc-reader', partyId: 'DCC', partyType: 'dcc', roles: ['reader'] };
/** The manufacturer registered for make ACME: the accountable party of every case below. */
export const ACME: Actor = { userId: 'acme-user', partyId: 'ACME-MFR', partyType: 'manufacturer', roles: [] };
export const OTHER_MFR: Actor = { userId: 'other-user', partyId: 'OTHER-MFR', partyType: 'manufacturer', roles: [] };
/** A CSP that provides items about ACME's Comms Hubs: not ACME's own declaration. */
export const CSP: Actor = { userId: 'csp-user', partyId: 'CSP-N', partyType: 'csp', roles: [] };
export const SUPPLIER: Actor = { userId: 'supplier-user', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
export const SYSTEM: Actor = { userId: 'verification-service', partyId: 'DCC', partyType: 'dcc', roles: [] };

export const ACME_PARTY: AccountableParty = { partyId: ACME.partyId, partyType: 'manufacturer' };
export const CATALOGUE: CatalogueMatch = { makeId: 'make-acme', make: 'Acme Meters', manufacturerId: '10A3', modelId: 'model-x1', model: 'X1', smiModelId: '00050203' };
export const CHECKED = { data: true, fixReference: true, presentation: true };

export const ITEM_CASE = 'item-ACME-MFR-42';
export const REPORT_CASE = 'report-R-000001';
export const FIX_CASE = 'fix-F-000001';

export function itemSubmitted(overrides: Partial<ItemSubmittedData> = {}): ItemSubmittedData {
  return {
    submissionId: '6f0c2a55-8a0e-4d59-9d44-1c4b7d2a0001',
    providerPartyId: ACME.partyId,
    contentHash: 'hash-1',
    submittedAt: AT,
    identifier: '42',
    make: 'ACME meters',
    model: 'x1',
    firmwareVersion: '38040404',
    deviceType: 'ESME',
    source: 'Device Manufacturer',
    statusOfInformation: 'Fix',
    dateLastUpdated: '2026-02-27',
    fixAvailable: true,
    fixInformation: 'Upgrade to 38040405',
    ...overrides,
  };
}

/** The same item from another provider (a CSP): it needs ACME's agreement and confirmation. */
export function othersItem(overrides: Partial<ItemSubmittedData> = {}): ItemSubmittedData {
  return itemSubmitted({ providerPartyId: CSP.partyId, source: 'CSP', identifier: '7', ...overrides });
}

export function itemRevised(overrides: Partial<ItemRevisedData> = {}): ItemRevisedData {
  const { submittedAt: _submittedAt, ...submitted } = itemSubmitted();
  return {
    ...submitted,
    submissionId: '6f0c2a55-8a0e-4d59-9d44-1c4b7d2a0002',
    contentHash: 'hash-2',
    previousContentHash: 'hash-1',
    firmwareVersion: '38040406',
    changes: [{ field: 'firmwareVersion', from: '38040404', to: '38040406' }],
    revisedAt: LATER,
    ...overrides,
  };
}

export function itemReported(overrides: Partial<ItemReportedData> = {}): ItemReportedData {
  return {
    reportId: 'R-000001',
    reporterPartyId: SUPPLIER.partyId,
    reporterPartyType: 'supplier',
    source: 'SEC Party',
    statusOfInformation: 'Defect',
    make: 'Acme',
    model: 'X1',
    firmwareVersion: '38040404',
    deviceType: 'ESME',
    description: 'Reboots nightly',
    dateObserved: '2026-02-20',
    reference: null,
    reportedAt: AT,
    ...overrides,
  };
}

export function fixProposed(overrides: Partial<FixProposedData> = {}): FixProposedData {
  return {
    fixId: 'F-000001',
    proposerPartyId: SUPPLIER.partyId,
    proposerPartyType: 'supplier',
    source: 'SEC Party',
    target: { kind: 'device' },
    make: 'Acme',
    model: 'X1',
    firmwareVersion: '38040404',
    deviceType: 'ESME',
    fixingFirmwareVersion: '38040405',
    fixInformation: 'Upgrade to 38040405',
    status: 'awaiting-manufacturer-confirmation',
    proposedAt: AT,
    ...overrides,
  };
}

export function duplicateFlagged(): PossibleDuplicateFlaggedData {
  return {
    submissionId: itemSubmitted().submissionId,
    providerPartyId: ACME.partyId,
    identifier: '42',
    make: 'ACME meters',
    model: 'x1',
    firmwareVersion: '38040404',
    deviceType: 'ESME',
    matches: [{ providerPartyId: CSP.partyId, identifier: '7' }],
    matchCount: 1,
    flaggedAt: AT,
  };
}

type Body<C> = C extends CaseCommand ? Omit<C, 'caseId' | 'actor' | 'correlationId' | 'at'> : never;

let counter = 0;

/** A full command: the case, the actor, a fresh correlation id and the time. */
export function command(caseId: string, actor: Actor, body: Body<CaseCommand>, at = AT): CaseCommand {
  return { ...body, caseId, actor, correlationId: `req-${++counter}`, at } as CaseCommand;
}

/** Runs commands against one case, keeping every event; each step must succeed. */
export class CaseRun {
  readonly events: CaseEvent[] = [];

  constructor(readonly caseId: string) {}

  static item(item = itemSubmitted(), accountable: AccountableParty | null = ACME_PARTY, caseId = ITEM_CASE): CaseRun {
    return new CaseRun(caseId).do(SYSTEM, { type: 'OpenItemCase', item, accountable });
  }

  static report(report = itemReported(), accountable: AccountableParty | null = ACME_PARTY): CaseRun {
    return new CaseRun(REPORT_CASE).do(SUPPLIER, { type: 'OpenReportCase', report, accountable });
  }

  static fix(fix = fixProposed(), accountable: AccountableParty | null = ACME_PARTY, targetItemFound = true): CaseRun {
    return new CaseRun(FIX_CASE).do(SUPPLIER, { type: 'OpenFixCase', fix, accountable, targetItemFound });
  }

  do(actor: Actor, body: Body<CaseCommand>, at = AT): this {
    this.events.push(...caseDecider.decide(command(this.caseId, actor, body, at), this.state()));
    return this;
  }

  state(): CaseState {
    return fold(caseDecider, this.events);
  }

  claim(actor = VERIFIER): this {
    return this.do(actor, { type: 'ClaimCase' });
  }

  verify(actor = VERIFIER): this {
    return this.claim(actor).do(actor, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE });
  }
}
