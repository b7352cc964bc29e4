import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@smi/auth';
import { DataSource } from 'typeorm';

@ApiTags('parties')
@Controller('parties')
export class KnownPartiesController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':partyId')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: "Verification's view of a registered party (projected from intake.events), for DCC operators" })
  async get(@Param('partyId') partyId: string) {
    const rows: Array<{ party_id: string; name: string; party_type: string; makes: string[]; updated_at: Date }> = await this.dataSource.query(
      `SELECT party_id, name, party_type, makes, updated_at FROM known_parties WHERE party_id = $1`,
      [partyId],
    );
    if (rows.length === 0) throw new NotFoundException(`party ${partyId} is not known to verification (yet)`);
    const row = rows[0];
    return { partyId: row.party_id, name: row.name, partyType: row.party_type, makes: row.makes, updatedAt: new Date(row.updated_at).toISOString() };
  }
}
