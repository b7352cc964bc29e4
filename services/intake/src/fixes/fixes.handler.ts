import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { FixTargetData } from '@smi/contracts';
import { DomainError } from '@smi/decider';
import { handleCommand, PostgresEventStore, RecordedEvent, toDomainEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { DataSource, EntityManager } from 'typeorm';
import { PartiesHandler } from '../parties/parties.handler';
import { makeKey } from '../device-fields/device-fields';
import { findVisibleReport } from '../reports/reports.read-model';
import { canReadFix, FixReader, holdsMakes } from './fix-access';
import { fixDecider, FixProposed, fixStreamId, ProposeFix } from './fix.decider';
import { FixView, ProposeFixDto } from './fixes.dto';

interface FixRow {
  fix_id: string;
  proposer_party_id: string;
  proposer_party_type: string;
  source: string;
  target: FixTargetData;
  make: string | null;
  model: string | null;
  firmware_version: string | null;
  device_type: string | null;
  fixing_firmware_version: string;
  fix_information: string;
  status: string;
  proposed_at: Date;
}

const COLUMNS = `fix_id, proposer_party_id, proposer_party_type, source, target, make, model, firmware_version, device_type,
  fixing_firmware_version, fix_information, status, proposed_at`;

export function fixIdFor(n: number): string {
  return `F-${String(n).padStart(6, '0')}`;
}

@Injectable()
export class FixesHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    private readonly parties: PartiesHandler,
  ) {}

  async propose(dto: ProposeFixDto, actor: Actor, correlationId: string): Promise<FixView> {
    // A report the proposer cannot read is treated as missing, so a proposal cannot probe for others' reports.
    const report = dto.reportId === undefined ? undefined : { reportId: dto.reportId, found: await findVisibleReport(this.dataSource, dto.reportId, actor) };
    const rows: Array<{ n: string }> = await this.dataSource.query(`SELECT nextval('fix_number_seq')::text AS n`);
    const fixId = fixIdFor(Number(rows[0].n));
    const command: ProposeFix = {
      type: 'ProposeFix',
      fixId,
      proposerPartyId: actor.partyId,
      proposerPartyType: actor.partyType,
      item: dto.item,
      report,
      device: dto.device,
      fixingFirmwareVersion: dto.fixingFirmwareVersion,
      fixInformation: dto.fixInformation,
      at: new Date().toISOString(),
    };
    await handleCommand(this.dataSource, {
      store: this.store,
      streamId: fixStreamId(fixId),
      decider: fixDecider,
      command,
      metadata: { correlationId, actor },
      project: (manager, recorded) => projectFixes(manager, recorded),
    });
    return this.get(fixId, actor);
  }

  /** Neutral order (R1): by identifier. */
  async list(actor: Actor): Promise<FixView[]> {
    if (actor.partyType === 'dcc') {
      const all: FixRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM fixes ORDER BY fix_number`);
      return all.map(toView);
    }
    const reader = await this.reader(actor);
    // The same rule as canReadFix, as a query; the results are checked against it once more.
    const rows: FixRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM fixes
       WHERE proposer_party_id = $1 OR ($2 AND (target_provider_party_id = $1 OR make_key = ANY($3::text[])))
       ORDER BY fix_number`,
      [actor.partyId, holdsMakes(actor.partyType), reader.makes.map(makeKey)],
    );
    return rows.map(toView).filter((fix) => canReadFix(reader, fix));
  }

  async get(fixId: string, actor: Actor): Promise<FixView> {
    const rows: FixRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM fixes WHERE fix_id = $1`, [fixId]);
    const fix = rows[0] ? toView(rows[0]) : undefined;
    if (!fix || !canReadFix(await this.reader(actor), fix)) throw new DomainError('FIX_NOT_FOUND', `fix ${fixId} does not exist`);
    return fix;
  }

  private async reader(actor: Actor): Promise<FixReader> {
    const makes = holdsMakes(actor.partyType) ? ((await this.parties.makesOf(actor.partyId)) ?? []) : [];
    return { partyId: actor.partyId, partyType: actor.partyType, makes };
  }
}

async function projectFixes(manager: EntityManager, recorded: RecordedEvent[]): Promise<void> {
  for (const event of recorded.map((r) => toDomainEvent<FixProposed>(r))) {
    await manager.query(
      `INSERT INTO fixes (fix_id, fix_number, proposer_party_id, proposer_party_type, source, target, target_provider_party_id, make, make_key,
         model, firmware_version, device_type, fixing_firmware_version, fix_information, status, proposed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        event.fixId,
        Number(event.fixId.slice(2)),
        event.proposerPartyId,
        event.proposerPartyType,
        event.source,
        JSON.stringify(event.target),
        event.target.kind === 'item' ? event.target.providerPartyId : null,
        event.make,
        event.make === null ? null : makeKey(event.make),
        event.model,
        event.firmwareVersion,
        event.deviceType,
        event.fixingFirmwareVersion,
        event.fixInformation,
        event.status,
        event.proposedAt,
      ],
    );
  }
}

function toView(row: FixRow): FixView {
  return {
    fixId: row.fix_id,
    proposerPartyId: row.proposer_party_id,
    proposerPartyType: row.proposer_party_type,
    source: row.source,
    target: row.target,
    make: row.make,
    model: row.model,
    firmwareVersion: row.firmware_version,
    deviceType: row.device_type,
    fixingFirmwareVersion: row.fixing_firmware_version,
    fixInformation: row.fix_information,
    status: row.status,
    proposedAt: new Date(row.proposed_at).toISOString(),
  };
}
