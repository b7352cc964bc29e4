import { DeviceType, ItemSource, PublishedItemData, StatusOfInformation } from '@smi/contracts';

/**
 * What a published item shows to every reader of the database: the submission format's fields under the
 * canonical make and model, with the SMI ids that match devices, the fixing firmware and, for a SEC Party's
 * report, its description. Free text is as provided. Who submitted, agreed, confirmed or verified it, the
 * dispute kept on the record and the catalogue's own ids stay with DCC (the `item` of the event, kept whole).
 */
export interface PublishedFields {
  identifier: string | null;
  make: string;
  model: string;
  manufacturerId: string | null;
  smiModelId: string | null;
  submittedMake: string;
  submittedModel: string;
  firmwareVersion: string;
  deviceType: DeviceType | null;
  source: ItemSource;
  statusOfInformation: StatusOfInformation;
  dateLastUpdated: string;
  fixAvailable: boolean;
  fixInformation: string | null;
  fixingFirmwareVersion: string | null;
  description: string | null;
}

/** Field names in the order the API writes them: also the order of a version's changes. */
export const PUBLISHED_FIELD_NAMES: ReadonlyArray<keyof PublishedFields> = [
  'identifier',
  'make',
  'model',
  'manufacturerId',
  'smiModelId',
  'submittedMake',
  'submittedModel',
  'firmwareVersion',
  'deviceType',
  'source',
  'statusOfInformation',
  'dateLastUpdated',
  'fixAvailable',
  'fixInformation',
  'fixingFirmwareVersion',
  'description',
];

export function publishedFieldsOf(item: PublishedItemData, description: string | null): PublishedFields {
  return {
    identifier: item.identifier,
    make: item.canonical.make,
    model: item.canonical.model,
    manufacturerId: item.canonical.manufacturerId,
    smiModelId: item.canonical.smiModelId,
    submittedMake: item.submittedMake,
    submittedModel: item.submittedModel,
    firmwareVersion: item.firmwareVersion,
    deviceType: item.deviceType,
    source: item.source,
    statusOfInformation: item.statusOfInformation,
    dateLastUpdated: item.dateLastUpdated,
    fixAvailable: item.fixAvailable,
    fixInformation: item.fixInformation,
    fixingFirmwareVersion: item.fix?.fixingFirmwareVersion ?? null,
    description,
  };
}

export interface FieldChange {
  field: keyof PublishedFields;
  from: string | boolean | null;
  to: string | boolean | null;
}

/** What a new version changed for its readers, field by field; empty when only DCC's part of the item changed. */
export function changedFields(before: PublishedFields, after: PublishedFields): FieldChange[] {
  return PUBLISHED_FIELD_NAMES.filter((field) => before[field] !== after[field]).map((field) => ({ field, from: before[field], to: after[field] }));
}
