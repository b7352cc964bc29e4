import {
  CaseOpenedData,
  CaseRejectedData,
  CaseStateName,
  CaseSubject,
  CaseVerifiedData,
  FixAttachedData,
  FixConfirmedData,
  IntakeItemContent,
  ItemPublishableData,
  ItemVerifiedData,
  ItemWithdrawnData,
  RevisionReceivedData,
} from '@smi/contracts';
import { firmwareKey, identifierSortKey, matchKeysOf, spellingKey } from './keys';

/*
 * DCC's view of one case (SECMP0137 §4.3, R7: DCC sees every item, unverified and unfixed included): its
 * state, the content under review as last submitted, the canonical make and model once verified, and whether
 * that content is verified and the item published. A row of the `dcc_items` read model, by column; the
 * projection folds each case's events through `evolveDccItem` and writes the rows back.
 */

/** The content a case shows: the submission format's fields, and a report's description. */
export interface DccContent {
  identifier: string | null;
  submitted_make: string | null;
  submitted_model: string | null;
  firmware_version: string | null;
  device_type: string | null;
  source: string;
  status_of_information: string;
  date_last_updated: string | null;
  fix_available: boolean;
  fix_information: string | null;
  fixing_firmware_version: string | null;
  description: string | null;
}

export interface DccItem extends DccContent {
  case_id: string;
  case_kind: string;
  state: CaseStateName;
  /** The party that provided what the case is about: the provider, the reporter or the fix's proposer. */
  provider_party_id: string;
  make_id: string | null;
  make: string | null;
  manufacturer_id: string | null;
  model_id: string | null;
  model: string | null;
  smi_model_id: string | null;
  /** The content shown is the content DCC verified (false from a revision until it is verified in turn). */
  verified: boolean;
  /** The content DCC last verified, where rejecting a revision returns the case to. */
  verified_content: DccContent | null;
  /** A fix proposal's fix attached to the case: shown while the provider's own row brings none. */
  attached_fix: { fixInformation: string; fixingFirmwareVersion: string | null } | null;
  published: boolean;
  published_version: number | null;
  /** The item's publication version: one more with each ItemVerified, ItemPublishable and ItemWithdrawn. */
  version: number;
  opened_at: string;
  updated_at: string;
  // Match and order keys (keys.ts), written with the row so queries compare columns as they are.
  make_key: string | null;
  submitted_make_key: string | null;
  model_key: string | null;
  submitted_model_key: string | null;
  firmware_key: string | null;
  sort_make: string;
  sort_model: string;
  sort_firmware: string;
  sort_identifier: string;
  match_keys: string[];
}

/** The events the view is folded from, as verification published them. */
export type DccItemEvent =
  | { type: 'CaseOpened'; data: CaseOpenedData }
  | { type: 'RevisionReceived'; data: RevisionReceivedData }
  | { type: 'CaseVerified'; data: CaseVerifiedData }
  | { type: 'CaseRejected'; data: CaseRejectedData }
  | { type: 'FixAttached'; data: FixAttachedData }
  | { type: 'FixConfirmed'; data: FixConfirmedData }
  | { type: 'ItemVerified'; data: ItemVerifiedData }
  | { type: 'ItemPublishable'; data: ItemPublishableData }
  | { type: 'ItemWithdrawn'; data: ItemWithdrawnData }
  | { type: (typeof PLAIN_TRANSITIONS)[number]; data: { caseId: string; at: string } };

/** Events that only move the case from one state to another (as verification's case-evolve.ts does). */
const PLAIN_TRANSITIONS = [
  'CaseClaimed',
  'CaseReleased',
  'InformationRequested',
  'InformationProvided',
  'InclusionAgreed',
  'InclusionDisputed',
  'CaseClosedNotIncluded',
  'IncludedDespiteDispute',
  'CaseMarkedDuplicate',
] as const;

const TRANSITION_TO: Record<(typeof PLAIN_TRANSITIONS)[number], CaseStateName> = {
  CaseClaimed: 'claimed',
  CaseReleased: 'queued',
  InformationRequested: 'awaiting-information',
  InformationProvided: 'queued',
  InclusionAgreed: 'verified',
  InclusionDisputed: 'disputed',
  CaseClosedNotIncluded: 'closed-not-included',
  IncludedDespiteDispute: 'verified',
  CaseMarkedDuplicate: 'duplicate',
};

export const DCC_ITEM_EVENT_TYPES: readonly string[] = [
  'CaseOpened',
  'RevisionReceived',
  'CaseVerified',
  'CaseRejected',
  'FixAttached',
  'FixConfirmed',
  'ItemVerified',
  'ItemPublishable',
  'ItemWithdrawn',
  ...PLAIN_TRANSITIONS,
];

/** The case after one more of its events; an event of a case never opened changes nothing (history is fact). */
export function evolveDccItem(item: DccItem | undefined, event: DccItemEvent): DccItem | undefined {
  if (event.type === 'CaseOpened') return withKeys(opened(event.data));
  if (item === undefined) return undefined;
  return withKeys({ ...applied(item, event), updated_at: event.data.at });
}

function opened(data: CaseOpenedData): DccItem {
  return {
    case_id: data.caseId,
    case_kind: data.caseKind,
    state: 'queued',
    provider_party_id: providerOf(data.subject),
    ...contentOf(data.subject),
    make_id: null,
    make: null,
    manufacturer_id: null,
    model_id: null,
    model: null,
    smi_model_id: null,
    verified: false,
    verified_content: null,
    attached_fix: null,
    published: false,
    published_version: null,
    version: 0,
    opened_at: data.at,
    updated_at: data.at,
    make_key: null,
    submitted_make_key: null,
    model_key: null,
    submitted_model_key: null,
    firmware_key: null,
    sort_make: '',
    sort_model: '',
    sort_firmware: '',
    sort_identifier: '',
    match_keys: [],
  };
}

function applied(item: DccItem, event: Exclude<DccItemEvent, { type: 'CaseOpened' }>): DccItem {
  switch (event.type) {
    case 'RevisionReceived':
      // A verifier holding the case keeps it; anywhere else a revision returns it to the queue.
      return { ...item, ...withAttachedFix(itemContentOf(event.data.content), item.attached_fix), state: item.state === 'claimed' ? 'claimed' : 'queued', verified: false };
    case 'CaseVerified': {
      const { canonical } = event.data;
      return {
        ...item,
        state: event.data.outcome,
        make_id: canonical.makeId,
        make: canonical.make,
        manufacturer_id: canonical.manufacturerId,
        model_id: canonical.modelId,
        model: canonical.model,
        smi_model_id: canonical.smiModelId,
        verified: true,
        verified_content: contentFieldsOf(item),
      };
    }
    case 'CaseRejected':
      // A rejected revision: the case returns where the revision found it, with the content verified before.
      if (event.data.restoredState !== null && item.verified_content !== null) {
        return { ...item, ...item.verified_content, state: event.data.restoredState, verified: true };
      }
      return { ...item, state: 'rejected' };
    case 'FixAttached': {
      const attached_fix = { fixInformation: event.data.fix.fixInformation, fixingFirmwareVersion: event.data.fix.fixingFirmwareVersion };
      return { ...item, ...withAttachedFix(contentFieldsOf(item), attached_fix), attached_fix };
    }
    case 'FixConfirmed':
      return { ...item, fixing_firmware_version: event.data.fixingFirmwareVersion ?? item.fixing_firmware_version };
    case 'ItemVerified':
      return { ...item, version: event.data.version };
    case 'ItemPublishable':
      return { ...item, version: event.data.version, published: true, published_version: event.data.version };
    case 'ItemWithdrawn':
      return { ...item, version: event.data.version, published: false, published_version: null, state: 'withdrawn' };
    default:
      return { ...item, state: TRANSITION_TO[event.type] };
  }
}

function providerOf(subject: CaseSubject): string {
  switch (subject.kind) {
    case 'item':
      return subject.providerPartyId;
    case 'report':
      return subject.reporterPartyId;
    case 'fix':
      return subject.proposerPartyId;
  }
}

function contentOf(subject: CaseSubject): DccContent {
  switch (subject.kind) {
    case 'item':
      return itemContentOf(subject);
    case 'report':
      return {
        identifier: null,
        submitted_make: subject.make,
        submitted_model: subject.model,
        firmware_version: subject.firmwareVersion,
        device_type: subject.deviceType,
        source: subject.source,
        status_of_information: subject.statusOfInformation,
        date_last_updated: subject.dateObserved,
        fix_available: false,
        fix_information: null,
        fixing_firmware_version: null,
        description: subject.description,
      };
    case 'fix':
      return {
        identifier: null,
        submitted_make: subject.make,
        submitted_model: subject.model,
        firmware_version: subject.firmwareVersion,
        device_type: subject.deviceType,
        source: subject.source,
        status_of_information: 'Fix',
        date_last_updated: subject.proposedAt.slice(0, 10),
        fix_available: true,
        fix_information: subject.fixInformation,
        fixing_firmware_version: subject.fixingFirmwareVersion,
        description: null,
      };
  }
}

/** A provider's row as submitted. */
function itemContentOf(content: IntakeItemContent): DccContent {
  return {
    identifier: content.identifier,
    submitted_make: content.make,
    submitted_model: content.model,
    firmware_version: content.firmwareVersion,
    device_type: content.deviceType,
    source: content.source,
    status_of_information: content.statusOfInformation,
    date_last_updated: content.dateLastUpdated,
    fix_available: content.fixAvailable,
    fix_information: content.fixInformation,
    fixing_firmware_version: null,
    description: null,
  };
}

/** A fix attached from a proposal is the case's fix while its own content has none. */
function withAttachedFix(content: DccContent, attached: DccItem['attached_fix']): DccContent {
  if (attached === null || content.fix_available) return content;
  return { ...content, fix_available: true, fix_information: attached.fixInformation, fixing_firmware_version: attached.fixingFirmwareVersion };
}

function contentFieldsOf(item: DccItem): DccContent {
  const { identifier, submitted_make, submitted_model, firmware_version, device_type, source, status_of_information, date_last_updated } = item;
  const { fix_available, fix_information, fixing_firmware_version, description } = item;
  return {
    identifier,
    submitted_make,
    submitted_model,
    firmware_version,
    device_type,
    source,
    status_of_information,
    date_last_updated,
    fix_available,
    fix_information,
    fixing_firmware_version,
    description,
  };
}

/** Match keys of the canonical and the submitted spelling; order by the canonical one once there is one. */
function withKeys(item: DccItem): DccItem {
  const make_key = item.make === null ? null : spellingKey(item.make);
  const submitted_make_key = item.submitted_make === null ? null : spellingKey(item.submitted_make);
  const model_key = item.model === null ? null : spellingKey(item.model);
  const submitted_model_key = item.submitted_model === null ? null : spellingKey(item.submitted_model);
  const firmware_key = item.firmware_version === null ? null : firmwareKey(item.firmware_version);
  return {
    ...item,
    make_key,
    submitted_make_key,
    model_key,
    submitted_model_key,
    firmware_key,
    sort_make: make_key ?? submitted_make_key ?? '',
    sort_model: model_key ?? submitted_model_key ?? '',
    sort_firmware: firmware_key ?? '',
    sort_identifier: identifierSortKey(item.identifier),
    match_keys: matchKeysOf({
      makeId: item.make_id,
      makeKey: make_key,
      submittedMakeKey: submitted_make_key,
      modelId: item.model_id,
      modelKey: model_key,
      submittedModelKey: submitted_model_key,
      firmwareKey: firmware_key,
    }),
  };
}
