import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import PartyDetailsChangedV1 from '../../events/intake/PartyDetailsChanged.v1.schema.json';
import PartyRegisteredV1 from '../../events/intake/PartyRegistered.v1.schema.json';
import DataRequestFulfilledV1 from '../../events/intake/DataRequestFulfilled.v1.schema.json';
import DataRequestIssuedV1 from '../../events/intake/DataRequestIssued.v1.schema.json';
import DataRequestOverdueV1 from '../../events/intake/DataRequestOverdue.v1.schema.json';
import FixProposedV1 from '../../events/intake/FixProposed.v1.schema.json';
import ItemReportedV1 from '../../events/intake/ItemReported.v1.schema.json';
import ItemRevisedV1 from '../../events/intake/ItemRevised.v1.schema.json';
import ItemSubmittedV1 from '../../events/intake/ItemSubmitted.v1.schema.json';
import PossibleDuplicateFlaggedV1 from '../../events/intake/PossibleDuplicateFlagged.v1.schema.json';
import SubmissionRecordedV1 from '../../events/intake/SubmissionRecorded.v1.schema.json';
import BulkCorrectionAcceptedV1 from '../../events/inventory/BulkCorrectionAccepted.v1.schema.json';
import BulkCorrectionCompletedV1 from '../../events/inventory/BulkCorrectionCompleted.v1.schema.json';
import BulkCorrectionFailedV1 from '../../events/inventory/BulkCorrectionFailed.v1.schema.json';
import DevicePreNotifiedV1 from '../../events/inventory/DevicePreNotified.v1.schema.json';
import DeviceStatusChangedV1 from '../../events/inventory/DeviceStatusChanged.v1.schema.json';
import EsmeVariantCheckedV1 from '../../events/inventory/EsmeVariantChecked.v1.schema.json';
import EsmeVariantCheckRequiredV1 from '../../events/inventory/EsmeVariantCheckRequired.v1.schema.json';
import EsmeVariantCorrectedV1 from '../../events/inventory/EsmeVariantCorrected.v1.schema.json';
import InventoryUpdatedV1 from '../../events/inventory/InventoryUpdated.v1.schema.json';
import ResponsibleSupplierChangedV1 from '../../events/inventory/ResponsibleSupplierChanged.v1.schema.json';
import ServiceRequestAnsweredV1 from '../../events/inventory/ServiceRequestAnswered.v1.schema.json';
import ServiceRequestRefusedV1 from '../../events/inventory/ServiceRequestRefused.v1.schema.json';
import { CATALOGUE_EVENT_SCHEMAS } from './catalogue-events';
import AccountablePartyAssignedV1 from '../../events/verification/AccountablePartyAssigned.v1.schema.json';
import CaseClaimedV1 from '../../events/verification/CaseClaimed.v1.schema.json';
import CaseClosedNotIncludedV1 from '../../events/verification/CaseClosedNotIncluded.v1.schema.json';
import CaseMarkedDuplicateV1 from '../../events/verification/CaseMarkedDuplicate.v1.schema.json';
import CaseOpenedV1 from '../../events/verification/CaseOpened.v1.schema.json';
import CaseRejectedV1 from '../../events/verification/CaseRejected.v1.schema.json';
import CaseReleasedV1 from '../../events/verification/CaseReleased.v1.schema.json';
import CaseVerifiedV1 from '../../events/verification/CaseVerified.v1.schema.json';
import DuplicateHintsAttachedV1 from '../../events/verification/DuplicateHintsAttached.v1.schema.json';
import FixAcceptedV1 from '../../events/verification/FixAccepted.v1.schema.json';
import FixAttachedV1 from '../../events/verification/FixAttached.v1.schema.json';
import FixConfirmedV1 from '../../events/verification/FixConfirmed.v1.schema.json';
import FixDeclinedV1 from '../../events/verification/FixDeclined.v1.schema.json';
import FixReferenceResolvedV1 from '../../events/verification/FixReferenceResolved.v1.schema.json';
import IncludedDespiteDisputeV1 from '../../events/verification/IncludedDespiteDispute.v1.schema.json';
import InclusionAgreedV1 from '../../events/verification/InclusionAgreed.v1.schema.json';
import InclusionDisputedV1 from '../../events/verification/InclusionDisputed.v1.schema.json';
import InformationProvidedV1 from '../../events/verification/InformationProvided.v1.schema.json';
import InformationRequestedV1 from '../../events/verification/InformationRequested.v1.schema.json';
import ItemPublishableV1 from '../../events/verification/ItemPublishable.v1.schema.json';
import ItemVerifiedV1 from '../../events/verification/ItemVerified.v1.schema.json';
import ItemWithdrawnV1 from '../../events/verification/ItemWithdrawn.v1.schema.json';
import PartyResponseOverdueV1 from '../../events/verification/PartyResponseOverdue.v1.schema.json';
import RevisionReceivedV1 from '../../events/verification/RevisionReceived.v1.schema.json';
import SourcesMergedV1 from '../../events/verification/SourcesMerged.v1.schema.json';
import NetworkAccessGrantedV1 from '../../events/publication/NetworkAccessGranted.v1.schema.json';
import NetworkAccessRevokedV1 from '../../events/publication/NetworkAccessRevoked.v1.schema.json';
import ReleaseCutV1 from '../../events/publication/ReleaseCut.v1.schema.json';
import ReleaseDueV1 from '../../events/publication/ReleaseDue.v1.schema.json';

/**
 * Every event that crosses a service boundary, by publishing service, type and schema version.
 * Imported (not read from disk) so the compiled services carry the schemas with them.
 */
export const EVENT_SCHEMAS: Record<string, Record<string, Record<number, object>>> = {
  intake: {
    PartyRegistered: { 1: PartyRegisteredV1 },
    PartyDetailsChanged: { 1: PartyDetailsChangedV1 },
    ItemReported: { 1: ItemReportedV1 },
    FixProposed: { 1: FixProposedV1 },
    DataRequestIssued: { 1: DataRequestIssuedV1 },
    DataRequestFulfilled: { 1: DataRequestFulfilledV1 },
    DataRequestOverdue: { 1: DataRequestOverdueV1 },
    SubmissionRecorded: { 1: SubmissionRecordedV1 },
    ItemSubmitted: { 1: ItemSubmittedV1 },
    ItemRevised: { 1: ItemRevisedV1 },
    PossibleDuplicateFlagged: { 1: PossibleDuplicateFlaggedV1 },
  },
  inventory: {
    DevicePreNotified: { 1: DevicePreNotifiedV1 },
    InventoryUpdated: { 1: InventoryUpdatedV1 },
    EsmeVariantCorrected: { 1: EsmeVariantCorrectedV1 },
    ServiceRequestRefused: { 1: ServiceRequestRefusedV1 },
    DeviceStatusChanged: { 1: DeviceStatusChangedV1 },
    ResponsibleSupplierChanged: { 1: ResponsibleSupplierChangedV1 },
    EsmeVariantCheckRequired: { 1: EsmeVariantCheckRequiredV1 },
    EsmeVariantChecked: { 1: EsmeVariantCheckedV1 },
    ServiceRequestAnswered: { 1: ServiceRequestAnsweredV1 },
    BulkCorrectionAccepted: { 1: BulkCorrectionAcceptedV1 },
    BulkCorrectionCompleted: { 1: BulkCorrectionCompletedV1 },
    BulkCorrectionFailed: { 1: BulkCorrectionFailedV1 },
  },
  verification: {
    ...CATALOGUE_EVENT_SCHEMAS,
    CaseOpened: { 1: CaseOpenedV1 },
    AccountablePartyAssigned: { 1: AccountablePartyAssignedV1 },
    DuplicateHintsAttached: { 1: DuplicateHintsAttachedV1 },
    RevisionReceived: { 1: RevisionReceivedV1 },
    CaseClaimed: { 1: CaseClaimedV1 },
    CaseReleased: { 1: CaseReleasedV1 },
    InformationRequested: { 1: InformationRequestedV1 },
    InformationProvided: { 1: InformationProvidedV1 },
    CaseVerified: { 1: CaseVerifiedV1 },
    InclusionAgreed: { 1: InclusionAgreedV1 },
    InclusionDisputed: { 1: InclusionDisputedV1 },
    CaseClosedNotIncluded: { 1: CaseClosedNotIncludedV1 },
    IncludedDespiteDispute: { 1: IncludedDespiteDisputeV1 },
    CaseRejected: { 1: CaseRejectedV1 },
    CaseMarkedDuplicate: { 1: CaseMarkedDuplicateV1 },
    SourcesMerged: { 1: SourcesMergedV1 },
    FixConfirmed: { 1: FixConfirmedV1 },
    FixDeclined: { 1: FixDeclinedV1 },
    FixAttached: { 1: FixAttachedV1 },
    FixAccepted: { 1: FixAcceptedV1 },
    FixReferenceResolved: { 1: FixReferenceResolvedV1 },
    PartyResponseOverdue: { 1: PartyResponseOverdueV1 },
    ItemVerified: { 1: ItemVerifiedV1 },
    ItemPublishable: { 1: ItemPublishableV1 },
    ItemWithdrawn: { 1: ItemWithdrawnV1 },
  },
  publication: {
    NetworkAccessGranted: { 1: NetworkAccessGrantedV1 },
    NetworkAccessRevoked: { 1: NetworkAccessRevokedV1 },
    ReleaseCut: { 1: ReleaseCutV1 },
    ReleaseDue: { 1: ReleaseDueV1 },
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** The schema errors of an event's data, empty when it conforms. Unknown events are an error too. */
export function eventSchemaErrors(service: string, type: string, schemaVersion: number, data: unknown): string[] {
  const schema = EVENT_SCHEMAS[service]?.[type]?.[schemaVersion];
  if (!schema) return [`no contract for ${service} event ${type} v${schemaVersion}`];
  const key = `${service}/${type}/${schemaVersion}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export function hasEventContract(service: string, type: string): boolean {
  return Boolean(EVENT_SCHEMAS[service]?.[type]);
}
