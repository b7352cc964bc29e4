import { MakeAddedData, MakeAliasAddedData, MakeChangedData, ModelAddedData, ModelAliasAddedData, ModelChangedData } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';

/*
 * The DCC catalogue: one stream per canonical make (`catalogue-make-<makeId>`) holding its spellings, its SMI
 * manufacturer id and its models. Models live in their make's stream so that "no two models of a make share a
 * spelling or an SMI model id" is decided on one stream. Rules that span makes (a spelling or a manufacturer id
 * belongs to one make only) are kept by the read model's unique keys in the same transaction (see catalogue.handler.ts).
 */

/** Spellings are compared ignoring case, surrounding spaces and repeated spaces, as intake compares makes. */
export function tidySpelling(spelling: string): string {
  return spelling.trim().replace(/\s+/g, ' ');
}

export function spellingKey(spelling: string): string {
  return tidySpelling(spelling).toLowerCase();
}

export const MANUFACTURER_ID_PATTERN = /^[0-9A-Fa-f]{4}$/;
export const SMI_MODEL_ID_PATTERN = /^[0-9A-Fa-f]{8}$/;

export interface CatalogueModel {
  modelId: string;
  name: string;
  aliases: string[];
  /** SMI model id, 8 hex digits upper-case, when known. */
  smiModelId: string | null;
}

export type MakeState =
  | { kind: 'absent' }
  | { kind: 'listed'; makeId: string; name: string; aliases: string[]; manufacturerId: string | null; models: CatalogueModel[] };

export type ListedMake = Extract<MakeState, { kind: 'listed' }>;

export const catalogueMakeStreamId = (makeId: string) => `catalogue-make-${makeId}`;

export interface AddMake {
  type: 'AddMake';
  makeId: string;
  name: string;
  aliases: string[];
  manufacturerId: string | null;
  at: string;
}

export interface ChangeMake {
  type: 'ChangeMake';
  makeId: string;
  name: string;
  manufacturerId: string | null;
  at: string;
}

export interface AddMakeAlias {
  type: 'AddMakeAlias';
  makeId: string;
  alias: string;
  at: string;
}

export interface AddModel {
  type: 'AddModel';
  makeId: string;
  modelId: string;
  name: string;
  aliases: string[];
  smiModelId: string | null;
  at: string;
}

export interface ChangeModel {
  type: 'ChangeModel';
  makeId: string;
  modelId: string;
  name: string;
  smiModelId: string | null;
  at: string;
}

export interface AddModelAlias {
  type: 'AddModelAlias';
  makeId: string;
  modelId: string;
  alias: string;
  at: string;
}

export type CatalogueCommand = AddMake | ChangeMake | AddMakeAlias | AddModel | ChangeModel | AddModelAlias;

/** The events are the contract's (contracts/src/events/catalogue-events.ts) with their type. */
export type MakeAdded = { type: 'MakeAdded' } & MakeAddedData;
/** A renamed make keeps its previous name as an alias, so items spelled the old way still resolve. */
export type MakeChanged = { type: 'MakeChanged' } & MakeChangedData;
export type MakeAliasAdded = { type: 'MakeAliasAdded' } & MakeAliasAddedData;
export type ModelAdded = { type: 'ModelAdded' } & ModelAddedData;
/** A renamed model keeps its previous name as an alias, as a make does. */
export type ModelChanged = { type: 'ModelChanged' } & ModelChangedData;
export type ModelAliasAdded = { type: 'ModelAliasAdded' } & ModelAliasAddedData;

export type CatalogueEvent = MakeAdded | MakeChanged | MakeAliasAdded | ModelAdded | ModelChanged | ModelAliasAdded;

export const CATALOGUE_EVENT_TYPES: ReadonlyArray<CatalogueEvent['type']> = ['MakeAdded', 'MakeChanged', 'MakeAliasAdded', 'ModelAdded', 'ModelChanged', 'ModelAliasAdded'];

function canonicalName(name: string, field: string): string {
  const tidy = tidySpelling(name);
  if (tidy.length === 0) throw new DomainError('INVALID_NAME', `${field} must contain something other than spaces`, { field });
  return tidy;
}

function hexId(value: string | null, pattern: RegExp, code: string, field: string, digits: number): string | null {
  if (value === null) return null;
  if (!pattern.test(value)) throw new DomainError(code, `${field} must be ${digits} hexadecimal digits, e.g. ${'0'.repeat(digits - 2)}1A`, { field });
  return value.toUpperCase();
}

const manufacturerIdOf = (value: string | null) => hexId(value, MANUFACTURER_ID_PATTERN, 'INVALID_MANUFACTURER_ID', 'manufacturerId', 4);
const smiModelIdOf = (value: string | null) => hexId(value, SMI_MODEL_ID_PATTERN, 'INVALID_SMI_MODEL_ID', 'smiModelId', 8);

/** Aliases tidied, one per spelling, without the spellings already taken (the name, earlier aliases), in the order given. */
function newAliases(aliases: string[], taken: string[]): string[] {
  const seen = new Set(taken.map(spellingKey));
  const kept: string[] = [];
  for (const alias of aliases) {
    const tidy = tidySpelling(alias);
    if (tidy.length === 0) throw new DomainError('INVALID_ALIAS', 'an alias must contain something other than spaces', { field: 'aliases' });
    if (seen.has(tidy.toLowerCase())) continue;
    seen.add(tidy.toLowerCase());
    kept.push(tidy);
  }
  return kept;
}

const spellingsOf = (entry: { name: string; aliases: string[] }) => [entry.name, ...entry.aliases];

/** A rename keeps the old name as an alias and drops the new name from the aliases (it was promoted). */
function renamed(entry: { name: string; aliases: string[] }, name: string): { name: string; aliases: string[] } {
  if (entry.name === name) return entry;
  const key = spellingKey(name);
  const aliases = entry.aliases.filter((a) => spellingKey(a) !== key);
  if (spellingKey(entry.name) !== key) aliases.push(entry.name);
  return { name, aliases };
}

function listed(state: MakeState, makeId: string): ListedMake {
  if (state.kind !== 'listed') throw new DomainError('MAKE_NOT_FOUND', `make ${makeId} is not in the catalogue`, { field: 'makeId' });
  return state;
}

function modelOf(make: ListedMake, modelId: string): CatalogueModel {
  const model = make.models.find((m) => m.modelId === modelId);
  if (!model) throw new DomainError('MODEL_NOT_FOUND', `model ${modelId} is not in the catalogue under make ${make.name}`, { field: 'modelId' });
  return model;
}

/** Refuses spellings that already map to another model of the make: a spelling names one model only. */
function checkModelSpellings(make: ListedMake, modelId: string, spellings: string[], field: string): void {
  for (const spelling of spellings) {
    const other = make.models.find((m) => m.modelId !== modelId && spellingsOf(m).some((s) => spellingKey(s) === spellingKey(spelling)));
    if (other) {
      throw new DomainError('MODEL_SPELLING_CONFLICT', `"${spelling}" already maps to model ${other.name} (${other.modelId}) of ${make.name}`, {
        field,
        modelId: other.modelId,
        model: other.name,
      });
    }
  }
}

function checkSmiModelId(make: ListedMake, modelId: string, smiModelId: string | null): void {
  if (smiModelId === null) return;
  const other = make.models.find((m) => m.modelId !== modelId && m.smiModelId === smiModelId);
  if (other) {
    throw new DomainError('SMI_MODEL_ID_CONFLICT', `SMI model id ${smiModelId} is already model ${other.name} (${other.modelId}) of ${make.name}`, {
      field: 'smiModelId',
      modelId: other.modelId,
      model: other.name,
    });
  }
}

function evolveModel(state: MakeState, modelId: string, change: (model: CatalogueModel) => CatalogueModel): MakeState {
  if (state.kind !== 'listed') return state;
  return { ...state, models: state.models.map((m) => (m.modelId === modelId ? change(m) : m)) };
}

export const catalogueMakeDecider: Decider<CatalogueCommand, MakeState, CatalogueEvent> = {
  initialState: () => ({ kind: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'MakeAdded':
        return { kind: 'listed', makeId: event.makeId, name: event.name, aliases: event.aliases, manufacturerId: event.manufacturerId, models: [] };
      case 'MakeChanged':
        return state.kind === 'listed' ? { ...state, ...renamed(state, event.name), manufacturerId: event.manufacturerId } : state;
      case 'MakeAliasAdded':
        return state.kind === 'listed' ? { ...state, aliases: [...state.aliases, event.alias] } : state;
      case 'ModelAdded':
        return state.kind === 'listed'
          ? { ...state, models: [...state.models, { modelId: event.modelId, name: event.name, aliases: event.aliases, smiModelId: event.smiModelId }] }
          : state;
      case 'ModelChanged':
        return evolveModel(state, event.modelId, (m) => ({ ...m, ...renamed(m, event.name), smiModelId: event.smiModelId }));
      case 'ModelAliasAdded':
        return evolveModel(state, event.modelId, (m) => ({ ...m, aliases: [...m.aliases, event.alias] }));
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'AddMake': {
        if (state.kind === 'listed') throw new DomainError('MAKE_EXISTS', `make ${command.makeId} is already in the catalogue`, { field: 'makeId' });
        const name = canonicalName(command.name, 'name');
        const manufacturerId = manufacturerIdOf(command.manufacturerId);
        return [{ type: 'MakeAdded', makeId: command.makeId, name, aliases: newAliases(command.aliases, [name]), manufacturerId, addedAt: command.at }];
      }
      case 'ChangeMake': {
        const make = listed(state, command.makeId);
        const name = canonicalName(command.name, 'name');
        const manufacturerId = manufacturerIdOf(command.manufacturerId);
        if (name === make.name && manufacturerId === make.manufacturerId) return [];
        return [
          { type: 'MakeChanged', makeId: make.makeId, name, manufacturerId, previous: { name: make.name, manufacturerId: make.manufacturerId }, changedAt: command.at },
        ];
      }
      case 'AddMakeAlias': {
        const make = listed(state, command.makeId);
        if (tidySpelling(command.alias).length === 0) throw new DomainError('INVALID_ALIAS', 'an alias must contain something other than spaces', { field: 'alias' });
        // Mapping a spelling the make already has is a no-op, so a verifier's repeated mapping records nothing.
        const [alias] = newAliases([command.alias], spellingsOf(make));
        return alias === undefined ? [] : [{ type: 'MakeAliasAdded', makeId: make.makeId, alias, addedAt: command.at }];
      }
      case 'AddModel': {
        const make = listed(state, command.makeId);
        if (make.models.some((m) => m.modelId === command.modelId)) throw new DomainError('MODEL_EXISTS', `model ${command.modelId} is already in the catalogue`, { field: 'modelId' });
        const name = canonicalName(command.name, 'name');
        checkModelSpellings(make, command.modelId, [name], 'name');
        const aliases = newAliases(command.aliases, [name]);
        checkModelSpellings(make, command.modelId, aliases, 'aliases');
        const smiModelId = smiModelIdOf(command.smiModelId);
        checkSmiModelId(make, command.modelId, smiModelId);
        return [{ type: 'ModelAdded', makeId: make.makeId, modelId: command.modelId, name, aliases, smiModelId, addedAt: command.at }];
      }
      case 'ChangeModel': {
        const make = listed(state, command.makeId);
        const model = modelOf(make, command.modelId);
        const name = canonicalName(command.name, 'name');
        checkModelSpellings(make, model.modelId, [name], 'name');
        const smiModelId = smiModelIdOf(command.smiModelId);
        checkSmiModelId(make, model.modelId, smiModelId);
        if (name === model.name && smiModelId === model.smiModelId) return [];
        return [
          {
            type: 'ModelChanged',
            makeId: make.makeId,
            modelId: model.modelId,
            name,
            smiModelId,
            previous: { name: model.name, smiModelId: model.smiModelId },
            changedAt: command.at,
          },
        ];
      }
      case 'AddModelAlias': {
        const make = listed(state, command.makeId);
        const model = modelOf(make, command.modelId);
        if (tidySpelling(command.alias).length === 0) throw new DomainError('INVALID_ALIAS', 'an alias must contain something other than spaces', { field: 'alias' });
        const [alias] = newAliases([command.alias], spellingsOf(model));
        if (alias === undefined) return [];
        checkModelSpellings(make, model.modelId, [alias], 'alias');
        return [{ type: 'ModelAliasAdded', makeId: make.makeId, modelId: model.modelId, alias, addedAt: command.at }];
      }
    }
  },
};
