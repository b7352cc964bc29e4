import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DataSource } from 'typeorm';
import { ESME_VARIANTS, EsmeVariant, SmiStatus, parseDeviceId, parseManufacturerId, parseModelId } from '../device-aggregate';
import { validationFailed } from '../request-validation/validators';
import { DEFAULT_OUTLIERS_PAGE, VariantOutlierGroupView, VariantOutliersQuery, VariantOutliersView } from './variant-outliers.dto';

/** The letter most ESMEs of one manufacturer and model carry, over the whole SMI. */
export interface ModelMajority {
  manufacturer: string;
  model: string;
  letter: string;
  /** ESMEs of the model carrying that letter. */
  majority: number;
  esmes: number;
}

interface Cursor {
  manufacturer: string;
  model: string;
  deviceId: string;
}

/**
 * The variant outliers, straight from smi_devices (the inline read model, so it is never behind a
 * correction just made) with the index smi_devices_esme_variants.
 *
 * The first letter of an ESME Variant is the metering element of the meter (A single, B twin, C polyphase):
 * a property of the model, so every ESME of one manufacturer and model should share it. The letter MOST of them
 * carry (counted over the whole SMI, every status and every supplier, since the model is the same whoever is
 * responsible for the meter) is taken as the model's; an ESME with another letter is an outlier, the likely
 * wrong variant. A model whose top letters tie has no majority and lists nothing: there is no telling which
 * side is wrong. A model whose ESMEs all agree has no outliers.
 *
 * Three queries, each an index-only scan while the visibility map is current: the letter counts per model (one
 * scan of the ESME part of the index, at 1,000,000 devices the costly one), then the outliers of those models
 * (equality on manufacturer, model and each minority variant) for the page and for the group counts.
 */
@Injectable()
export class VariantOutliersQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: VariantOutliersQuery, actor: Actor): Promise<VariantOutliersView> {
    const supplier = actor.partyType === 'supplier' ? actor.partyId : (query.responsibleSupplier ?? null);
    const limit = query.limit ?? DEFAULT_OUTLIERS_PAGE;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const majorities = await this.majorities(query.manufacturer?.toUpperCase(), query.model?.toUpperCase());
    const byModel = new Map(majorities.map((m) => [`${m.manufacturer}/${m.model}`, m]));

    // The outliers of a model are its ESMEs with any variant outside the majority letter.
    const keys = { manufacturer: [] as string[], model: [] as string[], variant: [] as string[] };
    for (const m of majorities) {
      for (const variant of ESME_VARIANTS) {
        if (variant[0] === m.letter) continue;
        keys.manufacturer.push(m.manufacturer);
        keys.model.push(m.model);
        keys.variant.push(variant);
      }
    }
    if (keys.variant.length === 0) return { responsibleSupplier: supplier, groups: [], items: [], nextCursor: null };

    const outliers = `unnest($1::text[], $2::text[], $3::text[]) AS k(manufacturer, model, esme_variant)
      JOIN smi_devices d ON d.device_type = 'ESME' AND d.manufacturer = k.manufacturer AND d.model = k.model AND d.esme_variant = k.esme_variant`;
    const params: unknown[] = [keys.manufacturer, keys.model, keys.variant];
    const conditions: string[] = [];
    if (supplier !== null) {
      params.push(supplier);
      conditions.push(`d.responsible_supplier = $${params.length}`);
    }
    const groupRows: Array<{ responsible_supplier: string; manufacturer: string; model: string; outliers: number }> = await this.dataSource.query(
      `SELECT d.responsible_supplier, d.manufacturer, d.model, count(*)::int AS outliers FROM ${outliers}
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       GROUP BY d.responsible_supplier, d.manufacturer, d.model
       ORDER BY d.responsible_supplier, d.manufacturer, d.model`,
      params,
    );

    const pageParams = [...params];
    const pageConditions = [...conditions];
    if (cursor) {
      pageParams.push(cursor.manufacturer, cursor.model, cursor.deviceId);
      const n = pageParams.length;
      pageConditions.push(`(d.manufacturer, d.model, d.device_id) > ($${n - 2}, $${n - 1}, $${n})`);
    }
    pageParams.push(limit + 1);
    const rows: Array<{ device_id: string; manufacturer: string; model: string; esme_variant: EsmeVariant; status: SmiStatus; responsible_supplier: string }> =
      await this.dataSource.query(
        `SELECT d.device_id, d.manufacturer, d.model, d.esme_variant, d.status, d.responsible_supplier FROM ${outliers}
         ${pageConditions.length > 0 ? `WHERE ${pageConditions.join(' AND ')}` : ''}
         ORDER BY d.manufacturer, d.model, d.device_id
         LIMIT $${pageParams.length}`,
        pageParams,
      );

    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const items = page.map((row) => {
      const majority = byModel.get(`${row.manufacturer}/${row.model}`) as ModelMajority;
      return {
        deviceId: row.device_id,
        manufacturer: row.manufacturer,
        model: row.model,
        esmeVariant: row.esme_variant,
        letter: row.esme_variant[0],
        majorityLetter: majority.letter,
        majorityShare: share(majority),
        status: row.status,
        responsibleSupplier: row.responsible_supplier,
      };
    });
    const groups: VariantOutlierGroupView[] = groupRows.map((row) => {
      const majority = byModel.get(`${row.manufacturer}/${row.model}`) as ModelMajority;
      return {
        responsibleSupplier: row.responsible_supplier,
        manufacturer: row.manufacturer,
        model: row.model,
        majorityLetter: majority.letter,
        majorityShare: share(majority),
        modelEsmes: majority.esmes,
        majorityEsmes: majority.majority,
        outliers: row.outliers,
      };
    });
    return {
      responsibleSupplier: supplier,
      groups,
      items,
      nextCursor: rows.length > limit && last ? encodeCursor({ manufacturer: last.manufacturer, model: last.model, deviceId: last.device_id }) : null,
    };
  }

  /** Per manufacturer and model with ESMEs of more than one letter, the single most common letter; ties left out. */
  async majorities(manufacturer?: string, model?: string): Promise<ModelMajority[]> {
    const params: string[] = [];
    const conditions = [`device_type = 'ESME'`];
    if (manufacturer !== undefined) {
      params.push(manufacturer);
      conditions.push(`manufacturer = $${params.length}`);
    }
    if (model !== undefined) {
      params.push(model);
      conditions.push(`model = $${params.length}`);
    }
    const rows: Array<{ manufacturer: string; model: string; letter: string; n: number; esmes: number; top: number }> = await this.dataSource.query(
      `WITH letters AS (
         SELECT manufacturer, model, left(esme_variant, 1) AS letter, count(*)::int AS n
         FROM smi_devices WHERE ${conditions.join(' AND ')}
         GROUP BY manufacturer, model, left(esme_variant, 1)
       ), models AS (
         SELECT manufacturer, model, sum(n)::int AS esmes, max(n) AS top FROM letters GROUP BY manufacturer, model
       )
       SELECT l.manufacturer, l.model, l.letter, l.n, m.esmes, m.top
       FROM letters l JOIN models m ON m.manufacturer = l.manufacturer AND m.model = l.model
       WHERE l.n = m.top AND m.top < m.esmes
       ORDER BY l.manufacturer, l.model, l.letter`,
      params,
    );
    const tops = new Map<string, Array<(typeof rows)[number]>>();
    for (const row of rows) {
      const key = `${row.manufacturer}/${row.model}`;
      tops.set(key, [...(tops.get(key) ?? []), row]);
    }
    return [...tops.values()]
      .filter((letters) => letters.length === 1)
      .map(([row]) => ({ manufacturer: row.manufacturer, model: row.model, letter: row.letter, majority: row.n, esmes: row.esmes }));
  }
}

function share(majority: ModelMajority): number {
  return Math.round((majority.majority / majority.esmes) * 10_000) / 10_000;
}

// Opaque to clients; versioned so its shape can change without breaking a page in flight.
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor }), 'utf8').toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor> & { v?: unknown };
    if (
      parsed.v === 1 &&
      parseManufacturerId(parsed.manufacturer) === parsed.manufacturer &&
      parseModelId(parsed.model) === parsed.model &&
      parseDeviceId(parsed.deviceId) === parsed.deviceId
    ) {
      return { manufacturer: parsed.manufacturer as string, model: parsed.model as string, deviceId: parsed.deviceId as string };
    }
  } catch {
    // falls through to the field error
  }
  throw validationFailed([{ field: 'cursor', reason: 'cursor is not one this service issued; pass nextCursor from the previous page' }]);
}
