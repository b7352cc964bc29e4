import {
  CanonicalDevice,
  CaseOpenedData,
  CaseVerifiedData,
  FixAttachedData,
  FixConfirmedData,
  ItemPublishableData,
  ItemVerifiedData,
  ItemWithdrawnData,
  MakeAddedData,
  MakeAliasAddedData,
  MakeChangedData,
  ModelAddedData,
  ModelAliasAddedData,
  ModelChangedData,
  PublishedItemData,
  RevisionReceivedData,
} from '@smi/contracts';
import { randomUUID } from 'node:crypto';
import { PublishedEvent, PublisherTopic } from './publisher-topic';

/*
 * Verification's events as verification publishes them on verification.events (publisher-topic.ts), each checked
 * against its contract before it is sent: what publication consumes in these tests is what the real verification
 * service would send.
 */

export const VERIFIER = { userId: 'dcc-verifier-1', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };
const SYSTEM = { userId: 'verification-service', partyId: 'DCC', partyType: 'dcc', roles: [] };

export type VerificationEvent = PublishedEvent;

/** Sends events to `<prefix>.verification.events` as verification's relay would (streams `case-<id>`, `catalogue-make-<id>`). */
export class VerificationTopic extends PublisherTopic {
  constructor(topicPrefix: string) {
    // A case event carries its request's correlation id; the catalogue's events carry none in their data.
    super(topicPrefix, 'verification', (event, position) => ({
      correlationId: (event.data as { correlationId?: string }).correlationId ?? `catalogue-${position}`,
      actor: VERIFIER,
    }));
  }
}

export const caseStream = (caseId: string) => `case-${caseId}`;
export const makeStream = (makeId: string) => `catalogue-make-${makeId}`;

let clock = Date.parse('2026-03-02T10:00:00.000Z');
/** Instants one minute apart, in the order the events are built. */
export function tick(): string {
  clock += 60_000;
  return new Date(clock).toISOString();
}

function base(caseId: string, actor = VERIFIER) {
  return { caseId, actor, correlationId: `req-${randomUUID()}`, at: tick() };
}

// The catalogue ------------------------------------------------------------------------------------------

export function makeAdded(makeId: string, name: string, aliases: string[] = [], manufacturerId: string | null = null): VerificationEvent {
  return { type: 'MakeAdded', data: { makeId, name, aliases, manufacturerId, addedAt: tick() } satisfies MakeAddedData };
}

export function makeChanged(makeId: string, name: string, previous: string, manufacturerId: string | null = null): VerificationEvent {
  return { type: 'MakeChanged', data: { makeId, name, manufacturerId, previous: { name: previous, manufacturerId }, changedAt: tick() } satisfies MakeChangedData };
}

export function makeAliasAdded(makeId: string, alias: string): VerificationEvent {
  return { type: 'MakeAliasAdded', data: { makeId, alias, addedAt: tick() } satisfies MakeAliasAddedData };
}

export function modelAdded(makeId: string, modelId: string, name: string, aliases: string[] = [], smiModelId: string | null = null): VerificationEvent {
  return { type: 'ModelAdded', data: { makeId, modelId, name, aliases, smiModelId, addedAt: tick() } satisfies ModelAddedData };
}

export function modelChanged(makeId: string, modelId: string, name: string, previous: string, smiModelId: string | null = null): VerificationEvent {
  return { type: 'ModelChanged', data: { makeId, modelId, name, smiModelId, previous: { name: previous, smiModelId }, changedAt: tick() } satisfies ModelChangedData };
}

export function modelAliasAdded(makeId: string, modelId: string, alias: string): VerificationEvent {
  return { type: 'ModelAliasAdded', data: { makeId, modelId, alias, addedAt: tick() } satisfies ModelAliasAddedData };
}

// Cases --------------------------------------------------------------------------------------------------

export interface ItemContent {
  identifier: string;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: 'ESME' | 'GSME' | 'CHF' | 'GPF' | 'PPMID' | 'HCALCS' | 'IHD' | 'CAD' | 'TYPE2';
  source: 'Device Manufacturer' | 'CSP' | 'SEC Party' | 'DCC';
  statusOfInformation: 'Issue' | 'Defect' | 'Fix';
  dateLastUpdated: string;
  fixAvailable: boolean;
  fixInformation: string | null;
}

export function itemContent(overrides: Partial<ItemContent> = {}): ItemContent {
  return {
    identifier: '42',
    make: 'Northwind Metering',
    model: 'NW-E470',
    firmwareVersion: '38040404',
    deviceType: 'ESME',
    source: 'Device Manufacturer',
    statusOfInformation: 'Defect',
    dateLastUpdated: '2026-02-27',
    fixAvailable: true,
    fixInformation: 'Upgrade to 38040405',
    ...overrides,
  };
}

export const PROVIDER = 'MFR-NORTHWIND';

export function itemCaseOpened(caseId: string, content: ItemContent, providerPartyId = PROVIDER): VerificationEvent {
  const data: CaseOpenedData = {
    ...base(caseId, SYSTEM),
    caseKind: 'item',
    subject: { kind: 'item', providerPartyId, submissionId: randomUUID(), contentHash: randomUUID(), submittedAt: tick(), ...content },
    accountable: { partyId: providerPartyId, partyType: 'manufacturer' },
    fixReference: 'not-applicable',
  };
  return { type: 'CaseOpened', data };
}

export interface ReportContent {
  reportId: string;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: ItemContent['deviceType'];
  statusOfInformation: 'Issue' | 'Defect';
  description: string;
}

export function reportCaseOpened(caseId: string, report: ReportContent): VerificationEvent {
  const data: CaseOpenedData = {
    ...base(caseId, SYSTEM),
    caseKind: 'report',
    subject: {
      kind: 'report',
      reporterPartyId: 'SUPPLIER-A',
      reporterPartyType: 'supplier',
      source: 'SEC Party',
      dateObserved: '2026-02-20',
      reference: null,
      reportedAt: tick(),
      ...report,
    },
    accountable: { partyId: PROVIDER, partyType: 'manufacturer' },
    fixReference: 'not-applicable',
  };
  return { type: 'CaseOpened', data };
}

export function caseClaimed(caseId: string): VerificationEvent {
  return { type: 'CaseClaimed', data: { ...base(caseId), assignee: VERIFIER.userId } };
}

export function caseVerified(caseId: string, canonical: CanonicalDevice, outcome: CaseVerifiedData['outcome'] = 'verified'): VerificationEvent {
  const data: CaseVerifiedData = { ...base(caseId), checks: { data: true, fixReference: true, presentation: true }, note: null, canonical, outcome };
  return { type: 'CaseVerified', data };
}

export function revisionReceived(caseId: string, content: ItemContent, changes: RevisionReceivedData['changes'], reopenedFrom: RevisionReceivedData['reopenedFrom']): VerificationEvent {
  const data: RevisionReceivedData = {
    ...base(caseId, SYSTEM),
    submissionId: randomUUID(),
    contentHash: randomUUID(),
    previousContentHash: randomUUID(),
    changes,
    content,
    reopenedFrom,
  };
  return { type: 'RevisionReceived', data };
}

/** The item as verification publishes it, for a provider's row or a report. */
export function publishedItem(
  caseId: string,
  canonical: CanonicalDevice,
  content: Omit<ItemContent, 'identifier'> & { identifier: string | null },
  kind: 'item' | 'report' = 'item',
): PublishedItemData {
  const fix =
    content.fixAvailable && content.fixInformation !== null
      ? {
          fixId: null,
          origin: 'submission' as const,
          proposerPartyId: PROVIDER,
          fixingFirmwareVersion: null,
          fixInformation: content.fixInformation,
          confirmation: { via: 'own-submission' as const, partyId: PROVIDER, userId: null, note: null, confirmedAt: '2026-03-01T10:00:00.000Z' },
        }
      : null;
  return {
    caseId,
    caseKind: kind,
    identifier: content.identifier,
    canonical,
    submittedMake: content.make,
    submittedModel: content.model,
    firmwareVersion: content.firmwareVersion,
    deviceType: content.deviceType,
    source: content.source,
    statusOfInformation: content.statusOfInformation,
    dateLastUpdated: content.dateLastUpdated,
    fixAvailable: fix !== null,
    fixInformation: fix?.fixInformation ?? null,
    accountable: { partyId: PROVIDER, partyType: 'manufacturer' },
    inclusion: 'own-declaration',
    dispute: null,
    fix,
    sources:
      kind === 'item'
        ? [{ kind: 'item', caseId, providerPartyId: PROVIDER, identifier: content.identifier ?? '0', source: content.source }]
        : [{ kind: 'report', caseId, reportId: 'R-000001', reporterPartyId: 'SUPPLIER-A', source: 'SEC Party' }],
    verifiedAt: '2026-03-01T12:00:00.000Z',
    verifiedBy: VERIFIER.userId,
  };
}

/** A verified, confirmed fix proposal reached the case (of a report, here). */
export function fixAttached(caseId: string, fixInformation: string): VerificationEvent {
  const data: FixAttachedData = {
    ...base(caseId, SYSTEM),
    fix: {
      fixId: 'F-000001',
      origin: 'proposal',
      proposerPartyId: 'SUPPLIER-A',
      fixingFirmwareVersion: null,
      fixInformation,
      confirmation: { via: 'confirmation', partyId: PROVIDER, userId: 'nw-user', note: null, confirmedAt: tick() },
    },
  };
  return { type: 'FixAttached', data };
}

export function itemVerified(caseId: string, version: number, item: PublishedItemData): VerificationEvent {
  return { type: 'ItemVerified', data: { ...base(caseId), version, item } satisfies ItemVerifiedData };
}

export function itemPublishable(caseId: string, version: number, item: PublishedItemData): VerificationEvent {
  return { type: 'ItemPublishable', data: { ...base(caseId), version, item } satisfies ItemPublishableData };
}

export function itemWithdrawn(caseId: string, version: number, item: PublishedItemData, reason: string): VerificationEvent {
  return { type: 'ItemWithdrawn', data: { ...base(caseId), version, reason, item } satisfies ItemWithdrawnData };
}

/** The accountable party confirmed the item's fix, naming the firmware that fixes it (R5). */
export function fixConfirmed(caseId: string, fixingFirmwareVersion: string | null): VerificationEvent {
  const data: FixConfirmedData = {
    ...base(caseId, { userId: 'nw-user', partyId: PROVIDER, partyType: 'manufacturer', roles: [] }),
    fixId: null,
    fixingFirmwareVersion,
    confirmation: { via: 'confirmation', partyId: PROVIDER, userId: 'nw-user', note: null, confirmedAt: tick() },
  };
  return { type: 'FixConfirmed', data };
}

// A case through verification, as the specs set their scenes ------------------------------------------------

/** A provider's item opened, claimed, verified as `canonical` and ItemVerified (version 1); never publishable (no fix, say). */
export function verifiedItemCase(caseId: string, content: ItemContent, canonical: CanonicalDevice): VerificationEvent[] {
  return [itemCaseOpened(caseId, content), caseClaimed(caseId), caseVerified(caseId, canonical), itemVerified(caseId, 1, publishedItem(caseId, canonical, content))];
}

/**
 * A provider's item through verification to publication: opened, claimed, verified as `canonical`, ItemVerified
 * (version 1), ItemPublishable (2). With a fixing firmware, verification learns it from the accountable party's
 * confirmation (FixConfirmed, before ItemVerified), and the item's fix names it.
 */
export function publishedItemCase(caseId: string, content: ItemContent, canonical: CanonicalDevice, fixingFirmwareVersion: string | null = null): VerificationEvent[] {
  const plain = publishedItem(caseId, canonical, content);
  const item: PublishedItemData = { ...plain, fix: plain.fix && { ...plain.fix, fixingFirmwareVersion } };
  const confirmed = fixingFirmwareVersion === null ? [] : [fixConfirmed(caseId, fixingFirmwareVersion)];
  return [itemCaseOpened(caseId, content), caseClaimed(caseId), caseVerified(caseId, canonical), ...confirmed, itemVerified(caseId, 1, item), itemPublishable(caseId, 2, item)];
}
