import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { handleCommand, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CatalogueCommand, catalogueMakeDecider, catalogueMakeStreamId, ListedMake, MakeState, spellingKey } from './catalogue-make.decider';
import { AddMakeDto, AddModelDto, ChangeMakeDto, ChangeModelDto, MakeView, ModelView } from './catalogue.dto';

/** Who asks for a catalogue change, and within what: a caller already in a transaction (a case's) passes its manager. */
export interface CatalogueCommandContext {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  manager?: EntityManager;
}

interface MakeRow {
  make_id: string;
  name: string;
  aliases: string[];
  manufacturer_id: string | null;
  added_at: Date;
  updated_at: Date;
  version: number;
}

interface ModelRow {
  model_id: string;
  make_id: string;
  name: string;
  aliases: string[];
  smi_model_id: string | null;
}

/** Search results are for a person choosing a make: the closest few dozen are plenty. */
const SEARCH_LIMIT = 50;

@Injectable()
export class CatalogueHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {}

  async addMake(dto: AddMakeDto, context: CatalogueCommandContext): Promise<MakeView> {
    const makeId = randomUUID();
    await this.execute({ type: 'AddMake', makeId, name: dto.name, aliases: dto.aliases, manufacturerId: dto.manufacturerId, at: now() }, context);
    return this.get(makeId, context.manager);
  }

  async changeMake(makeId: string, dto: ChangeMakeDto, context: CatalogueCommandContext): Promise<MakeView> {
    await this.execute({ type: 'ChangeMake', makeId, name: dto.name, manufacturerId: dto.manufacturerId, at: now() }, context);
    return this.get(makeId, context.manager);
  }

  async addMakeAlias(makeId: string, alias: string, context: CatalogueCommandContext): Promise<MakeView> {
    await this.execute({ type: 'AddMakeAlias', makeId, alias, at: now() }, context);
    return this.get(makeId, context.manager);
  }

  async addModel(makeId: string, dto: AddModelDto, context: CatalogueCommandContext): Promise<ModelView> {
    const modelId = randomUUID();
    await this.execute({ type: 'AddModel', makeId, modelId, name: dto.name, aliases: dto.aliases, smiModelId: dto.smiModelId, at: now() }, context);
    return this.model(makeId, modelId, context.manager);
  }

  async changeModel(makeId: string, modelId: string, dto: ChangeModelDto, context: CatalogueCommandContext): Promise<ModelView> {
    await this.execute({ type: 'ChangeModel', makeId, modelId, name: dto.name, smiModelId: dto.smiModelId, at: now() }, context);
    return this.model(makeId, modelId, context.manager);
  }

  async addModelAlias(makeId: string, modelId: string, alias: string, context: CatalogueCommandContext): Promise<ModelView> {
    await this.execute({ type: 'AddModelAlias', makeId, modelId, alias, at: now() }, context);
    return this.model(makeId, modelId, context.manager);
  }

  async get(makeId: string, manager: EntityManager = this.dataSource.manager): Promise<MakeView> {
    const rows: MakeRow[] = await manager.query(`SELECT * FROM catalogue_makes WHERE make_id = $1`, [makeId]);
    if (rows.length === 0) throw new DomainError('MAKE_NOT_FOUND', `make ${makeId} is not in the catalogue`, { field: 'makeId' });
    const [view] = await this.withModels(rows, manager);
    return view;
  }

  async models(makeId: string, manager: EntityManager = this.dataSource.manager): Promise<ModelView[]> {
    return (await this.get(makeId, manager)).models;
  }

  async model(makeId: string, modelId: string, manager: EntityManager = this.dataSource.manager): Promise<ModelView> {
    const model = (await this.models(makeId, manager)).find((m) => m.modelId === modelId);
    if (!model) throw new DomainError('MODEL_NOT_FOUND', `model ${modelId} is not in the catalogue under make ${makeId}`, { field: 'modelId' });
    return model;
  }

  /** Every make by name, or with `q` those whose name or an alias contains it or is close to it, closest first. */
  async list(q?: string): Promise<MakeView[]> {
    const key = q === undefined ? '' : spellingKey(q);
    const rows: MakeRow[] =
      key === ''
        ? await this.dataSource.query(`SELECT * FROM catalogue_makes ORDER BY lower(name), make_id`)
        : await this.dataSource.query(
            `SELECT m.*
               FROM catalogue_makes m
               JOIN (SELECT make_id, max(similarity(spelling_key, $1)) AS score
                       FROM catalogue_make_spellings
                      WHERE strpos(spelling_key, $1) > 0 OR spelling_key % $1
                      GROUP BY make_id) hit ON hit.make_id = m.make_id
              ORDER BY hit.score DESC, lower(m.name), m.make_id
              LIMIT ${SEARCH_LIMIT}`,
            [key],
          );
    return this.withModels(rows, this.dataSource.manager);
  }

  private async withModels(rows: MakeRow[], manager: EntityManager): Promise<MakeView[]> {
    if (rows.length === 0) return [];
    const models: ModelRow[] = await manager.query(`SELECT * FROM catalogue_models WHERE make_id = ANY($1) ORDER BY position`, [rows.map((r) => r.make_id)]);
    return rows.map((row) => ({
      makeId: row.make_id,
      name: row.name,
      aliases: row.aliases,
      manufacturerId: row.manufacturer_id,
      models: models.filter((m) => m.make_id === row.make_id).map((m) => ({ modelId: m.model_id, name: m.name, aliases: m.aliases, smiModelId: m.smi_model_id })),
      addedAt: new Date(row.added_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      version: row.version,
    }));
  }

  private async execute(command: CatalogueCommand, context: CatalogueCommandContext): Promise<void> {
    await handleCommand(context.manager ?? this.dataSource, {
      store: this.store,
      streamId: catalogueMakeStreamId(command.makeId),
      decider: catalogueMakeDecider,
      command,
      metadata: { correlationId: context.correlationId, causationId: context.causationId, actor: context.actor },
      project: (manager, recorded, state) => projectMake(manager, recorded, state),
    });
  }
}

const now = () => new Date().toISOString();

/**
 * Writes the make's rows from its new state. Spellings only ever grow (a rename keeps the old name as an alias),
 * so they are inserted and never deleted; a spelling or manufacturer id another make holds refuses the whole
 * change, events included, with 409 naming that make.
 */
async function projectMake(manager: EntityManager, recorded: RecordedEvent[], state: MakeState): Promise<void> {
  if (state.kind !== 'listed' || recorded.length === 0) return;
  const last = recorded[recorded.length - 1];
  await manager.query(
    `INSERT INTO catalogue_makes (make_id, name, aliases, manufacturer_id, added_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $5, $6)
     ON CONFLICT (make_id) DO UPDATE SET name = EXCLUDED.name, aliases = EXCLUDED.aliases, manufacturer_id = EXCLUDED.manufacturer_id,
       updated_at = EXCLUDED.updated_at, version = EXCLUDED.version`,
    [state.makeId, state.name, state.aliases, state.manufacturerId, last.recordedAt, last.streamVersion],
  );
  await claimMakeSpellings(manager, state);
  await claimManufacturerId(manager, state);
  await writeModels(manager, state);
}

async function claimMakeSpellings(manager: EntityManager, make: ListedMake): Promise<void> {
  // In key order, so that two makes claiming the same spellings wait for each other instead of deadlocking.
  const spellings = [make.name, ...make.aliases].map((spelling) => ({ key: spellingKey(spelling), spelling })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const keys = spellings.map((s) => s.key);
  // ON CONFLICT waits for a concurrent claim of the same spelling to commit, then leaves it to its owner.
  await manager.query(
    `INSERT INTO catalogue_make_spellings (spelling_key, spelling, make_id)
     SELECT key, spelling, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(key, spelling, n) ORDER BY n
     ON CONFLICT (spelling_key) DO NOTHING`,
    [keys, spellings.map((s) => s.spelling), make.makeId],
  );
  const taken: Array<{ spelling_key: string; spelling: string; make_id: string; name: string }> = await manager.query(
    `SELECT s.spelling_key, s.spelling, s.make_id, m.name FROM catalogue_make_spellings s JOIN catalogue_makes m ON m.make_id = s.make_id
      WHERE s.spelling_key = ANY($1) AND s.make_id <> $2 ORDER BY s.spelling_key LIMIT 1`,
    [keys, make.makeId],
  );
  if (taken.length > 0) {
    const [other] = taken;
    throw new DomainError('MAKE_SPELLING_CONFLICT', `"${other.spelling}" already maps to make ${other.name} (${other.make_id})`, {
      field: other.spelling_key === spellingKey(make.name) ? 'name' : 'aliases',
      makeId: other.make_id,
      make: other.name,
    });
  }
}

async function claimManufacturerId(manager: EntityManager, make: ListedMake): Promise<void> {
  await manager.query(`DELETE FROM catalogue_manufacturer_ids WHERE make_id = $1 AND manufacturer_id IS DISTINCT FROM $2`, [make.makeId, make.manufacturerId]);
  if (make.manufacturerId === null) return;
  await manager.query(`INSERT INTO catalogue_manufacturer_ids (manufacturer_id, make_id) VALUES ($1, $2) ON CONFLICT (manufacturer_id) DO NOTHING`, [
    make.manufacturerId,
    make.makeId,
  ]);
  const taken: Array<{ make_id: string; name: string }> = await manager.query(
    `SELECT i.make_id, m.name FROM catalogue_manufacturer_ids i JOIN catalogue_makes m ON m.make_id = i.make_id WHERE i.manufacturer_id = $1 AND i.make_id <> $2`,
    [make.manufacturerId, make.makeId],
  );
  if (taken.length > 0) {
    throw new DomainError('MANUFACTURER_ID_CONFLICT', `SMI manufacturer id ${make.manufacturerId} is already make ${taken[0].name} (${taken[0].make_id})`, {
      field: 'manufacturerId',
      makeId: taken[0].make_id,
      make: taken[0].name,
    });
  }
}

/** A make has a handful of models and its stream decides their uniqueness, so its rows are rewritten whole. */
async function writeModels(manager: EntityManager, make: ListedMake): Promise<void> {
  await manager.query(`DELETE FROM catalogue_model_spellings WHERE make_id = $1`, [make.makeId]);
  await manager.query(`DELETE FROM catalogue_models WHERE make_id = $1`, [make.makeId]);
  if (make.models.length === 0) return;
  await manager.query(
    `INSERT INTO catalogue_models (model_id, make_id, name, aliases, smi_model_id, position)
     SELECT m.model_id, $1, m.name, ARRAY(SELECT jsonb_array_elements_text(m.aliases)), m.smi_model_id, m.position
       FROM jsonb_to_recordset($2::jsonb) AS m(model_id uuid, name text, aliases jsonb, smi_model_id text, position integer)`,
    [make.makeId, JSON.stringify(make.models.map((m, position) => ({ model_id: m.modelId, name: m.name, aliases: m.aliases, smi_model_id: m.smiModelId, position })))],
  );
  const spellings = make.models.flatMap((m) => [m.name, ...m.aliases].map((spelling) => ({ model_id: m.modelId, spelling, spelling_key: spellingKey(spelling) })));
  await manager.query(
    `INSERT INTO catalogue_model_spellings (make_id, spelling_key, spelling, model_id)
     SELECT $1, s.spelling_key, s.spelling, s.model_id FROM jsonb_to_recordset($2::jsonb) AS s(spelling_key text, spelling text, model_id uuid)`,
    [make.makeId, JSON.stringify(spellings)],
  );
}
