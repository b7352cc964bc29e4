import { CATALOGUE_EVENT_SCHEMAS } from '@smi/contracts';
import { given } from '@smi/decider';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CATALOGUE_EVENT_TYPES, CatalogueCommand, CatalogueEvent, catalogueMakeDecider, MakeAdded, ModelAdded } from './catalogue-make.decider';

const at = '2026-12-04T10:00:00.000Z';
const makeId = '0b7c3d52-6f0e-4c55-9a35-2f1c3f0d9a01';
const modelId = '6a1e8b1e-0c9e-4a8e-8d0c-3c1b7b0f2e02';
const otherModelId = '9d4f2c6a-7b1e-4f3a-a2d5-5e6f7a8b9c03';

const northwind: MakeAdded = { type: 'MakeAdded', makeId, name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1A2B', addedAt: at };
const e470: ModelAdded = { type: 'ModelAdded', makeId, modelId, name: 'NW-E470', aliases: ['E470'], smiModelId: '0000E470', addedAt: at };

describe('DCC catalogue: makes', () => {
  it('adds a make with its name and aliases tidied, one per spelling, and its manufacturer id in upper case', () => {
    given(catalogueMakeDecider, [])
      .when({ type: 'AddMake', makeId, name: '  Northwind   Metering ', aliases: ['NW  Metering', 'nw metering', 'NORTHWIND METERING'], manufacturerId: '1a2b', at })
      .then([northwind]);
  });

  it('refuses a manufacturer id that is not 4 hexadecimal digits', () => {
    given(catalogueMakeDecider, []).when({ type: 'AddMake', makeId, name: 'Northwind', aliases: [], manufacturerId: '1A2G', at }).thenThrows('INVALID_MANUFACTURER_ID');
    given(catalogueMakeDecider, []).when({ type: 'AddMake', makeId, name: 'Northwind', aliases: [], manufacturerId: '1A2B3', at }).thenThrows('INVALID_MANUFACTURER_ID');
  });

  it('refuses a name or alias of spaces only', () => {
    given(catalogueMakeDecider, []).when({ type: 'AddMake', makeId, name: '   ', aliases: [], manufacturerId: null, at }).thenThrows('INVALID_NAME');
    given(catalogueMakeDecider, []).when({ type: 'AddMake', makeId, name: 'Northwind', aliases: [' '], manufacturerId: null, at }).thenThrows('INVALID_ALIAS');
  });

  it('refuses to add the same make twice', () => {
    given(catalogueMakeDecider, [northwind]).when({ type: 'AddMake', makeId, name: 'Other', aliases: [], manufacturerId: null, at }).thenThrows('MAKE_EXISTS');
  });

  it('records a rename with what it was before, and keeps the previous name as an alias', () => {
    const changed = given(catalogueMakeDecider, [northwind])
      .when({ type: 'ChangeMake', makeId, name: 'Northwind Metering Ltd', manufacturerId: '1A2B', at })
      .then([{ type: 'MakeChanged', makeId, name: 'Northwind Metering Ltd', manufacturerId: '1A2B', previous: { name: 'Northwind Metering', manufacturerId: '1A2B' }, changedAt: at }]);
    const state = given(catalogueMakeDecider, [northwind, ...changed]).state();
    expect(state).toMatchObject({ name: 'Northwind Metering Ltd', aliases: ['NW Metering', 'Northwind Metering'] });
  });

  it('promotes an alias to the name without keeping it twice', () => {
    const changed = given(catalogueMakeDecider, [northwind]).when({ type: 'ChangeMake', makeId, name: 'NW Metering', manufacturerId: null, at }).then([
      { type: 'MakeChanged', makeId, name: 'NW Metering', manufacturerId: null, previous: { name: 'Northwind Metering', manufacturerId: '1A2B' }, changedAt: at },
    ]);
    expect(given(catalogueMakeDecider, [northwind, ...changed]).state()).toMatchObject({ name: 'NW Metering', aliases: ['Northwind Metering'], manufacturerId: null });
  });

  it('records nothing when a change changes nothing', () => {
    given(catalogueMakeDecider, [northwind]).when({ type: 'ChangeMake', makeId, name: 'Northwind  Metering', manufacturerId: '1a2b', at }).thenNothingHappens();
  });

  it('refuses to change a make that is not in the catalogue', () => {
    given(catalogueMakeDecider, []).when({ type: 'ChangeMake', makeId, name: 'Northwind', manufacturerId: null, at }).thenThrows('MAKE_NOT_FOUND');
  });

  it('maps a new spelling as an alias, tidied', () => {
    given(catalogueMakeDecider, [northwind])
      .when({ type: 'AddMakeAlias', makeId, alias: ' North  Wind ', at })
      .then([{ type: 'MakeAliasAdded', makeId, alias: 'North Wind', addedAt: at }]);
  });

  it('records nothing when the spelling already maps to the make, ignoring case and repeated spaces', () => {
    given(catalogueMakeDecider, [northwind]).when({ type: 'AddMakeAlias', makeId, alias: 'nw   METERING', at }).thenNothingHappens();
    given(catalogueMakeDecider, [northwind]).when({ type: 'AddMakeAlias', makeId, alias: 'northwind metering', at }).thenNothingHappens();
  });
});

describe('DCC catalogue: models', () => {
  it('adds a model with its aliases and SMI model id in upper case', () => {
    given(catalogueMakeDecider, [northwind])
      .when({ type: 'AddModel', makeId, modelId, name: 'NW-E470', aliases: ['E470', 'e470', 'NW-E470'], smiModelId: '0000e470', at })
      .then([e470]);
  });

  it('refuses a model of a make that is not in the catalogue', () => {
    given(catalogueMakeDecider, []).when({ type: 'AddModel', makeId, modelId, name: 'NW-E470', aliases: [], smiModelId: null, at }).thenThrows('MAKE_NOT_FOUND');
  });

  it('refuses an SMI model id that is not 8 hexadecimal digits', () => {
    given(catalogueMakeDecider, [northwind]).when({ type: 'AddModel', makeId, modelId, name: 'NW-E470', aliases: [], smiModelId: 'E470', at }).thenThrows('INVALID_SMI_MODEL_ID');
    given(catalogueMakeDecider, [northwind]).when({ type: 'AddModel', makeId, modelId, name: 'NW-E470', aliases: [], smiModelId: '0000E47Z', at }).thenThrows('INVALID_SMI_MODEL_ID');
  });

  it('refuses a second model of the make with the same name, or a name that is another model’s alias, naming it', () => {
    const error = given(catalogueMakeDecider, [northwind, e470])
      .when({ type: 'AddModel', makeId, modelId: otherModelId, name: 'nw-e470', aliases: [], smiModelId: null, at })
      .thenThrows('MODEL_SPELLING_CONFLICT');
    expect(error.details).toMatchObject({ modelId, model: 'NW-E470' });
    given(catalogueMakeDecider, [northwind, e470]).when({ type: 'AddModel', makeId, modelId: otherModelId, name: 'E 470', aliases: ['e470'], smiModelId: null, at }).thenThrows('MODEL_SPELLING_CONFLICT');
  });

  it('refuses an SMI model id another model of the make has', () => {
    given(catalogueMakeDecider, [northwind, e470])
      .when({ type: 'AddModel', makeId, modelId: otherModelId, name: 'NW-E480', aliases: [], smiModelId: '0000E470', at })
      .thenThrows('SMI_MODEL_ID_CONFLICT');
  });

  it('renames a model keeping the previous name as an alias, and sets its SMI model id', () => {
    const changed = given(catalogueMakeDecider, [northwind, e470])
      .when({ type: 'ChangeModel', makeId, modelId, name: 'E470 Mk2', smiModelId: '0000E472', at })
      .then([{ type: 'ModelChanged', makeId, modelId, name: 'E470 Mk2', smiModelId: '0000E472', previous: { name: 'NW-E470', smiModelId: '0000E470' }, changedAt: at }]);
    const state = given(catalogueMakeDecider, [northwind, e470, ...changed]).state();
    expect(state).toMatchObject({ models: [{ modelId, name: 'E470 Mk2', aliases: ['E470', 'NW-E470'], smiModelId: '0000E472' }] });
  });

  it('refuses to change a model that is not in the make', () => {
    given(catalogueMakeDecider, [northwind]).when({ type: 'ChangeModel', makeId, modelId, name: 'X', smiModelId: null, at }).thenThrows('MODEL_NOT_FOUND');
  });

  it('maps a new spelling to a model, but not one that names another model of the make', () => {
    given(catalogueMakeDecider, [northwind, e470])
      .when({ type: 'AddModelAlias', makeId, modelId, alias: 'E-470', at })
      .then([{ type: 'ModelAliasAdded', makeId, modelId, alias: 'E-470', addedAt: at }]);
    given(catalogueMakeDecider, [northwind, e470]).when({ type: 'AddModelAlias', makeId, modelId, alias: 'e470', at }).thenNothingHappens();
    const e480: ModelAdded = { type: 'ModelAdded', makeId, modelId: otherModelId, name: 'NW-E480', aliases: [], smiModelId: null, addedAt: at };
    given(catalogueMakeDecider, [northwind, e470, e480]).when({ type: 'AddModelAlias', makeId, modelId: otherModelId, alias: 'E470', at }).thenThrows('MODEL_SPELLING_CONFLICT');
  });
});

describe('DCC catalogue: events', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const conforms = (events: CatalogueEvent[]) =>
    events.flatMap(({ type, ...data }) => {
      const validate = ajv.compile(CATALOGUE_EVENT_SCHEMAS[type][1]);
      return validate(data) ? [] : [`${type}: ${ajv.errorsText(validate.errors)}`];
    });

  it('has a published contract for every event the decider records', () => {
    expect(Object.keys(CATALOGUE_EVENT_SCHEMAS).sort()).toEqual([...CATALOGUE_EVENT_TYPES].sort());
  });

  it('records events that conform to their contracts', () => {
    const history: CatalogueEvent[] = [];
    const commands: CatalogueCommand[] = [
      { type: 'AddMake', makeId, name: 'Northwind', aliases: ['NW'], manufacturerId: null, at },
      { type: 'ChangeMake', makeId, name: 'Northwind Metering', manufacturerId: '1a2b', at },
      { type: 'AddMakeAlias', makeId, alias: 'North Wind', at },
      { type: 'AddModel', makeId, modelId, name: 'NW-E470', aliases: ['E470'], smiModelId: null, at },
      { type: 'ChangeModel', makeId, modelId, name: 'NW-E470', smiModelId: '0000e470', at },
      { type: 'AddModelAlias', makeId, modelId, alias: 'E 470', at },
    ];
    for (const command of commands) history.push(...given(catalogueMakeDecider, history).when(command).thenMatches(() => undefined));
    expect(history.map((e) => e.type)).toEqual([...CATALOGUE_EVENT_TYPES]);
    expect(conforms(history)).toEqual([]);
  });
});
