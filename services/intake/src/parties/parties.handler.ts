import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { handleCommand, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { DataSource, EntityManager } from 'typeorm';
import { ChangePartyDetailsDto, PartyView, RegisterPartyDto } from './parties.dto';
import { PartyCommand, partyDecider, PartyState, partyStreamId } from './party.decider';

interface PartyRow {
  party_id: string;
  name: string;
  party_type: PartyView['partyType'];
  makes: string[];
  registered_at: Date;
  updated_at: Date;
  version: number;
}

@Injectable()
export class PartiesHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {}

  async register(dto: RegisterPartyDto, actor: Actor, correlationId: string): Promise<PartyView> {
    await this.execute(dto.partyId, { type: 'RegisterParty', partyId: dto.partyId, name: dto.name, partyType: dto.partyType, makes: dto.makes, at: new Date().toISOString() }, actor, correlationId);
    return this.get(dto.partyId);
  }

  async change(partyId: string, dto: ChangePartyDetailsDto, actor: Actor, correlationId: string): Promise<PartyView> {
    await this.execute(partyId, { type: 'ChangePartyDetails', partyId, name: dto.name, makes: dto.makes, at: new Date().toISOString() }, actor, correlationId);
    return this.get(partyId);
  }

  async get(partyId: string): Promise<PartyView> {
    const rows: PartyRow[] = await this.dataSource.query(`SELECT * FROM parties WHERE party_id = $1`, [partyId]);
    if (rows.length === 0) throw new DomainError('PARTY_NOT_FOUND', `party ${partyId} is not registered`);
    return toView(rows[0]);
  }

  async list(partyType?: string): Promise<PartyView[]> {
    const rows: PartyRow[] = await this.dataSource.query(
      `SELECT * FROM parties WHERE ($1::text IS NULL OR party_type = $1) ORDER BY party_id`,
      [partyType ?? null],
    );
    return rows.map(toView);
  }

  /** Served from the registry_overview view, so a rebuild of the read model never interrupts it. */
  async overview(): Promise<Array<{ partyType: string; parties: number; makes: number }>> {
    const rows: Array<{ party_type: string; parties: number; makes: number }> = await this.dataSource.query(
      `SELECT party_type, parties, makes FROM registry_overview ORDER BY party_type`,
    );
    return rows.map((r) => ({ partyType: r.party_type, parties: r.parties, makes: r.makes }));
  }

  /** The makes a manufacturer or CSP may declare in submissions. */
  async makesOf(partyId: string): Promise<string[] | undefined> {
    const rows: Array<{ makes: string[] }> = await this.dataSource.query(`SELECT makes FROM parties WHERE party_id = $1`, [partyId]);
    return rows[0]?.makes;
  }

  private async execute(partyId: string, command: PartyCommand, actor: Actor, correlationId: string): Promise<void> {
    await handleCommand(this.dataSource, {
      store: this.store,
      streamId: partyStreamId(partyId),
      decider: partyDecider,
      command,
      metadata: { correlationId, actor },
      project: (manager, recorded, state) => projectParty(manager, recorded, state),
    });
  }
}

async function projectParty(manager: EntityManager, recorded: RecordedEvent[], state: PartyState): Promise<void> {
  if (state.kind !== 'registered' || recorded.length === 0) return;
  const last = recorded[recorded.length - 1];
  await manager.query(
    `INSERT INTO parties (party_id, name, party_type, makes, registered_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $5, $6)
     ON CONFLICT (party_id) DO UPDATE SET name = EXCLUDED.name, makes = EXCLUDED.makes, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version`,
    [state.partyId, state.name, state.partyType, state.makes, last.recordedAt, last.streamVersion],
  );
}

function toView(row: PartyRow): PartyView {
  return {
    partyId: row.party_id,
    name: row.name,
    partyType: row.party_type,
    makes: row.makes,
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}
