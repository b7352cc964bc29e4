import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError, fold } from '@smi/decider';
import { PostgresEventStore, RecordedEvent, toDomainEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { DeviceEvent, deviceDecider, parseDeviceId, serviceRequestStreamId } from '../device-aggregate';
import { requireDeviceId, validationFailed } from '../request-validation/validators';
import { DEFAULT_PAGE_SIZE, DeviceHistoryEntryView, DeviceHistoryView, DevicePageView, DeviceView, ListDevicesQuery } from './smi-devices.dto';

interface DeviceRow {
  device_id: string;
  device_type: DeviceView['deviceType'];
  manufacturer: string;
  model: string;
  firmware_version: string | null;
  smets_version: DeviceView['smetsVersion'];
  esme_variant: DeviceView['esmeVariant'];
  status: DeviceView['status'];
  prenotifying_user: string;
  prenotifying_party: string;
  responsible_supplier: string;
  responsible_supplier_user: string | null;
  variant_check_due_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Filters of GET /devices and the smi_devices column each one reads. */
const FILTER_COLUMNS = {
  status: 'status',
  deviceType: 'device_type',
  manufacturer: 'manufacturer',
  model: 'model',
  firmwareVersion: 'firmware_version',
  esmeVariant: 'esme_variant',
  responsibleSupplier: 'responsible_supplier',
} as const;

/** Hex identifiers are stored upper-case; a filter in lower case means the same device. */
const UPPER_CASED: ReadonlyArray<keyof typeof FILTER_COLUMNS> = ['manufacturer', 'model', 'firmwareVersion'];

/**
 * The inventory's read side. Current state comes from the inline projection (smi_devices), which commits
 * with the events, so a read after a write always sees it; a past state is folded from the stream.
 *
 * Visibility: DCC and the DSP see every device; a supplier sees a device only while it is the device's
 * Responsible Supplier (so a losing supplier no longer sees it, a gaining one sees its whole history).
 * A device a caller may not see answers 404, the same as one that does not exist, so existence does not leak.
 */
@Injectable()
export class SmiDevicesQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {}

  async get(rawDeviceId: string, actor: Actor, asOf?: string): Promise<DeviceView> {
    const row = await this.visibleRow(rawDeviceId, actor);
    if (asOf === undefined) return toView(row);
    const at = new Date(asOf);
    // Compared at millisecond precision, the precision the API shows times in: asOf set to an event's
    // recordedAt includes that event (PostgreSQL keeps microseconds, which a client never sees).
    const history = (await this.store.readStream(deviceStream(row.device_id))).filter((e) => e.recordedAt.getTime() <= at.getTime());
    // Folding uses only `evolve`, which the decider's settings do not change, so the default decider will do.
    const state = fold(deviceDecider, history.map((e) => toDomainEvent<DeviceEvent>(e)));
    if (state.kind !== 'device') throw notFound(row.device_id, `device ${row.device_id} was not in the SMI at ${at.toISOString()}`);
    const created = history.find((e) => e.type === 'DevicePreNotified') ?? history[0];
    const last = history[history.length - 1];
    return {
      deviceId: state.deviceId,
      deviceType: state.deviceType,
      manufacturer: state.manufacturer,
      model: state.model,
      firmwareVersion: state.firmwareVersion,
      smetsVersion: state.smetsVersion,
      esmeVariant: state.esmeVariant,
      status: state.status,
      prenotifyingUser: state.prenotifyingUser,
      prenotifyingParty: state.prenotifyingParty,
      responsibleSupplier: state.responsibleSupplier,
      responsibleSupplierUser: state.responsibleSupplierUser,
      variantCheckDueBy: state.variantCheckDueBy,
      version: last.streamVersion,
      createdAt: created.recordedAt.toISOString(),
      updatedAt: last.recordedAt.toISOString(),
      asOf: at.toISOString(),
    };
  }

  /** The device's current row, if it is in the SMI (no visibility check: for writers reporting back). */
  async find(deviceId: string): Promise<DeviceView | undefined> {
    const rows: DeviceRow[] = await this.dataSource.query(`SELECT * FROM smi_devices WHERE device_id = $1`, [deviceId]);
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /**
   * Every event of the device stream (pre-notification, corrections, refusals, status changes, Changes of
   * Supplier) and the answer to every Service Request that named the device (including I0 answers that
   * changed nothing), in recording order, each with its actor and correlation id.
   *
   * A device that never entered the SMI has no row, so only DCC and the DSP can read the refusals on it.
   */
  async history(rawDeviceId: string, actor: Actor): Promise<DeviceHistoryView> {
    const deviceId = requireDeviceId(rawDeviceId);
    if (actor.partyType === 'supplier') await this.visibleRow(deviceId, actor);
    const requests: Array<{ request_id: string }> = await this.dataSource.query(
      `SELECT request_id FROM smi_service_requests WHERE device_id = $1 ORDER BY position`,
      [deviceId],
    );
    const streams = await this.store.readStreams([deviceStream(deviceId), ...requests.map((r) => serviceRequestStreamId(r.request_id))]);
    const events = [...streams.values()].flat().sort(byPosition);
    if (events.length === 0) throw notFound(deviceId);
    return { deviceId, events: events.map(toHistoryEntry) };
  }

  async list(query: ListDevicesQuery, actor: Actor): Promise<DevicePageView> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [name, column] of Object.entries(FILTER_COLUMNS) as Array<[keyof typeof FILTER_COLUMNS, string]>) {
      const value = query[name];
      if (value === undefined) continue;
      params.push(UPPER_CASED.includes(name) ? String(value).toUpperCase() : value);
      conditions.push(`${column} = $${params.length}`);
    }
    if (actor.partyType === 'supplier') {
      params.push(actor.partyId);
      conditions.push(`responsible_supplier = $${params.length}`);
    }
    // The check is due for the Responsible Supplier only (a Change of Supplier moves it), so for a supplier this is
    // its own due list; the partial index smi_devices_variant_check_due (due party, Responsible Supplier, device_id)
    // holds just these rows, in the page's order.
    if (query.variantCheck === 'due') {
      if (actor.partyType === 'supplier') {
        params.push(actor.partyId);
        conditions.push(`variant_check_due_by = $${params.length}`);
      } else {
        conditions.push(`variant_check_due_by IS NOT NULL`);
      }
    }
    if (query.cursor !== undefined) {
      params.push(decodeCursor(query.cursor));
      conditions.push(`device_id > $${params.length}`);
    }
    params.push(limit + 1);
    const rows: DeviceRow[] = await this.dataSource.query(
      `SELECT * FROM smi_devices ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY device_id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor(last.device_id) : null };
  }

  private async visibleRow(rawDeviceId: string, actor: Actor): Promise<DeviceRow> {
    const deviceId = requireDeviceId(rawDeviceId);
    const rows: DeviceRow[] = await this.dataSource.query(`SELECT * FROM smi_devices WHERE device_id = $1`, [deviceId]);
    const row = rows[0];
    if (!row || (actor.partyType === 'supplier' && row.responsible_supplier !== actor.partyId)) throw notFound(deviceId);
    return row;
  }
}

function deviceStream(deviceId: string): string {
  return `device-${deviceId}`;
}

function notFound(deviceId: string, message = `device ${deviceId} is not in the SMI (or not visible to the caller)`): DomainError {
  return new DomainError('DEVICE_NOT_FOUND', message, { deviceId });
}

// The cursor is opaque to clients; versioned so its shape can change without breaking a page in flight.
function encodeCursor(afterDeviceId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: afterDeviceId }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    if (parsed.v === 1 && typeof parsed.after === 'string' && parseDeviceId(parsed.after) === parsed.after) return parsed.after;
  } catch {
    // falls through to the field error
  }
  throw validationFailed([{ field: 'cursor', reason: 'cursor is not one this service issued; pass nextCursor from the previous page' }]);
}

function byPosition(a: RecordedEvent, b: RecordedEvent): number {
  const d = BigInt(a.position) - BigInt(b.position);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function toHistoryEntry(event: RecordedEvent): DeviceHistoryEntryView {
  const channel = event.metadata.channel;
  return {
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    position: event.position,
    type: event.type,
    data: event.data as Record<string, unknown>,
    actor: event.metadata.actor ?? null,
    correlationId: event.metadata.correlationId,
    ...(typeof channel === 'string' ? { channel } : {}),
    recordedAt: event.recordedAt.toISOString(),
  };
}

function toView(row: DeviceRow): DeviceView {
  return {
    deviceId: row.device_id,
    deviceType: row.device_type,
    manufacturer: row.manufacturer,
    model: row.model,
    firmwareVersion: row.firmware_version,
    smetsVersion: row.smets_version,
    esmeVariant: row.esme_variant,
    status: row.status,
    prenotifyingUser: row.prenotifying_user,
    prenotifyingParty: row.prenotifying_party,
    responsibleSupplier: row.responsible_supplier,
    responsibleSupplierUser: row.responsible_supplier_user,
    variantCheckDueBy: row.variant_check_due_by,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
