import { Injectable } from '@nestjs/common';
import { DomainError } from '@smi/decider';
import { DataSource, EntityManager } from 'typeorm';
import { spellingKey } from './catalogue-make.decider';
import { CatalogueCommandContext, CatalogueHandler } from './catalogue.handler';

/** An item's make and model as the catalogue knows them: canonical names and, where known, their SMI ids. */
export interface CatalogueMatch {
  makeId: string;
  make: string;
  /** SMI manufacturer id, 4 upper-case hex digits, or null when DCC has not recorded it. */
  manufacturerId: string | null;
  modelId: string;
  model: string;
  /** SMI model id, 8 upper-case hex digits, or null when DCC has not recorded it. */
  smiModelId: string | null;
}

/**
 * A spelling the catalogue does not know: which of the two is missing (the make first: a model is looked up
 * within its make) and the closest canonical names and aliases, best first, for a verifier to choose from.
 * When `missing` is 'model', `makeId` and `make` say which make was found.
 */
export type CatalogueMiss =
  | { missing: 'make'; suggestions: string[] }
  | { missing: 'model'; makeId: string; make: string; suggestions: string[] };

export type CatalogueResolution = CatalogueMatch | CatalogueMiss;

/** Where a new spelling is mapped: a make's alias, or with modelId one of its models'. */
export interface AliasTarget {
  makeId: string;
  modelId?: string;
}

/** How many suggestions a miss offers. */
const SUGGESTIONS = 5;

/**
 * What the case workflow uses of the catalogue: resolving an item's spellings to canonical make and model (a
 * case cannot be verified while either is missing) and mapping a new spelling a verifier chose.
 * Both take the caller's transaction when given, so a case can be verified together with the alias it needed.
 */
@Injectable()
export class CatalogueLookup {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueHandler,
  ) {}

  async resolve(make: string, model: string, manager: EntityManager = this.dataSource.manager): Promise<CatalogueResolution> {
    const makeKey = spellingKey(make);
    const makes: Array<{ make_id: string; name: string; manufacturer_id: string | null }> = await manager.query(
      `SELECT m.make_id, m.name, m.manufacturer_id FROM catalogue_make_spellings s JOIN catalogue_makes m ON m.make_id = s.make_id WHERE s.spelling_key = $1`,
      [makeKey],
    );
    if (makes.length === 0) {
      return { missing: 'make', suggestions: await closest(manager, `SELECT spelling, spelling_key FROM catalogue_make_spellings`, [], makeKey) };
    }
    const [found] = makes;
    const modelKey = spellingKey(model);
    const models: Array<{ model_id: string; name: string; smi_model_id: string | null }> = await manager.query(
      `SELECT m.model_id, m.name, m.smi_model_id FROM catalogue_model_spellings s JOIN catalogue_models m ON m.model_id = s.model_id
        WHERE s.make_id = $1 AND s.spelling_key = $2`,
      [found.make_id, modelKey],
    );
    if (models.length === 0) {
      const suggestions = await closest(manager, `SELECT spelling, spelling_key FROM catalogue_model_spellings WHERE make_id = $2`, [found.make_id], modelKey);
      return { missing: 'model', makeId: found.make_id, make: found.name, suggestions };
    }
    const [match] = models;
    return { makeId: found.make_id, make: found.name, manufacturerId: found.manufacturer_id, modelId: match.model_id, model: match.name, smiModelId: match.smi_model_id };
  }

  /** A catalogue entry chosen by its ids, for content that has no spellings of its own to resolve. */
  async byIds(makeId: string, modelId: string, manager: EntityManager = this.dataSource.manager): Promise<CatalogueMatch> {
    const make = await this.catalogue.get(makeId, manager);
    const model = make.models.find((m) => m.modelId === modelId);
    if (!model) throw new DomainError('MODEL_NOT_FOUND', `model ${modelId} is not in the catalogue under make ${makeId}`, { field: 'catalogue.modelId' });
    return { makeId, make: make.name, manufacturerId: make.manufacturerId, modelId, model: model.name, smiModelId: model.smiModelId };
  }

  /** Maps a new spelling to a make or model (an event on the make's stream); a spelling it already has records nothing. */
  async addAlias(target: AliasTarget, alias: string, context: CatalogueCommandContext): Promise<void> {
    if (target.modelId === undefined) await this.catalogue.addMakeAlias(target.makeId, alias, context);
    else await this.catalogue.addModelAlias(target.makeId, target.modelId, alias, context);
  }
}

/** The spellings of `source` closest to `key`: those it starts or contains first, then by trigram similarity. */
async function closest(manager: EntityManager, source: string, parameters: unknown[], key: string): Promise<string[]> {
  const rows: Array<{ spelling: string }> = await manager.query(
    `SELECT spelling FROM (${source}) AS s
      WHERE strpos(spelling_key, $1) > 0 OR strpos($1, spelling_key) > 0 OR spelling_key % $1
      ORDER BY (strpos(spelling_key, $1) = 1) DESC, similarity(spelling_key, $1) DESC, spelling
      LIMIT ${SUGGESTIONS}`,
    [key, ...parameters],
  );
  return rows.map((r) => r.spelling);
}
