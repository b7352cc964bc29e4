import MakeAddedV1 from '../../events/verification/catalogue/MakeAdded.v1.schema.json';
import MakeAliasAddedV1 from '../../events/verification/catalogue/MakeAliasAdded.v1.schema.json';
import MakeChangedV1 from '../../events/verification/catalogue/MakeChanged.v1.schema.json';
import ModelAddedV1 from '../../events/verification/catalogue/ModelAdded.v1.schema.json';
import ModelAliasAddedV1 from '../../events/verification/catalogue/ModelAliasAdded.v1.schema.json';
import ModelChangedV1 from '../../events/verification/catalogue/ModelChanged.v1.schema.json';

/*
 * The DCC catalogue's events, published by verification on `verification.events` (data only; CloudEvents
 * headers carry the type and ids). All of a make's events, its models' included, are in stream
 * `catalogue-make-<makeId>`, so they arrive in order per make. Names and aliases are tidied (no surrounding or
 * repeated spaces); SMI ids are upper-case hex; absent ids are `null`, never missing.
 */

export interface MakeAddedData {
  makeId: string;
  name: string;
  aliases: string[];
  manufacturerId: string | null;
  addedAt: string;
}

/** A previous name stays one of the make's aliases. */
export interface MakeChangedData {
  makeId: string;
  name: string;
  manufacturerId: string | null;
  previous: { name: string; manufacturerId: string | null };
  changedAt: string;
}

export interface MakeAliasAddedData {
  makeId: string;
  alias: string;
  addedAt: string;
}

export interface ModelAddedData {
  makeId: string;
  modelId: string;
  name: string;
  aliases: string[];
  smiModelId: string | null;
  addedAt: string;
}

/** A previous name stays one of the model's aliases. */
export interface ModelChangedData {
  makeId: string;
  modelId: string;
  name: string;
  smiModelId: string | null;
  previous: { name: string; smiModelId: string | null };
  changedAt: string;
}

export interface ModelAliasAddedData {
  makeId: string;
  modelId: string;
  alias: string;
  addedAt: string;
}

/** The catalogue's part of verification's event schemas, by type and schema version. */
export const CATALOGUE_EVENT_SCHEMAS: Record<string, Record<number, object>> = {
  MakeAdded: { 1: MakeAddedV1 },
  MakeChanged: { 1: MakeChangedV1 },
  MakeAliasAdded: { 1: MakeAliasAddedV1 },
  ModelAdded: { 1: ModelAddedV1 },
  ModelChanged: { 1: ModelChangedV1 },
  ModelAliasAdded: { 1: ModelAliasAddedV1 },
};
