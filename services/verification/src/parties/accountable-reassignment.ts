import { Injectable } from '@nestjs/common';
import { AccountableParty, DeviceType } from '@smi/contracts';
import { PermanentMessageError } from '@smi/consumer';
import { EntityManager } from 'typeorm';
import { Actor, AssignAccountableParty } from '../case-aggregate';
import { CaseWriter } from '../case-store';
import { AccountableParties, sameParty } from './accountable-parties';

/** The service itself, acting on what DCC changed in the party registry. */
export const PARTY_REGISTRY_ACTOR: Actor = { userId: 'system:verification.party-registry', partyId: 'DCC', partyType: 'dcc', roles: ['system'] };

/** Cases per handleBatch: a make may have many cases, and one batch holds every case it decides in memory. */
const PAGE = 500;

interface Candidate {
  case_id: string;
  make: string;
  device_type: DeviceType | null;
  accountable_party_id: string | null;
  accountable_party_type: AccountableParty['partyType'] | null;
}

/**
 * DCC registered a make's party (issue 11, point 2): every case of the make whose accountable party is not
 * the one the registry now names gets it, in the registry change's own transaction. A fix proposal for an
 * item or a report follows that case's make. Where the registry names nobody (no party, or two) a case keeps
 * the party it had: only DCC registering one settles it.
 */
@Injectable()
export class AccountableReassignment {
  constructor(private readonly writer: CaseWriter) {}

  async reassign(manager: EntityManager, makeKeys: readonly string[], cause: { causationId: string; correlationId: string }): Promise<number> {
    if (makeKeys.length === 0) return 0;
    const parties = await AccountableParties.load(manager);
    let assigned = 0;
    // Cases of the make, then fix proposals whose item or report is of the make (their own row has no make).
    const pages = [
      `SELECT case_id, make, device_type, accountable_party_id, accountable_party_type FROM cases
       WHERE make_key = ANY($1::text[]) AND case_id > $2 ORDER BY case_id LIMIT ${PAGE}`,
      `SELECT f.case_id, t.make, t.device_type, f.accountable_party_id, f.accountable_party_type
       FROM cases t JOIN cases f ON f.target_case_id = t.case_id
       WHERE t.make_key = ANY($1::text[]) AND f.case_id > $2 ORDER BY f.case_id LIMIT ${PAGE}`,
    ];
    for (const sql of pages) {
      for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
        const rows: Candidate[] = await manager.query(sql, [makeKeys, after]);
        if (rows.length === 0) break;
        after = rows[rows.length - 1].case_id;
        const at = new Date().toISOString();
        const commands: AssignAccountableParty[] = [];
        for (const row of rows) {
          const accountable = parties.for(row.make, row.device_type);
          const current = row.accountable_party_id === null ? null : { partyId: row.accountable_party_id, partyType: row.accountable_party_type! };
          if (accountable === null || sameParty(accountable, current)) continue;
          commands.push({ type: 'AssignAccountableParty', caseId: row.case_id, accountable, actor: PARTY_REGISTRY_ACTOR, correlationId: cause.correlationId, at });
        }
        const outcomes = await this.writer.executeMany(
          commands.map((command) => ({ command, causationId: cause.causationId })),
          { manager },
        );
        outcomes.forEach((outcome, index) => {
          if (outcome.kind === 'refused') {
            throw new PermanentMessageError(`assigning ${commands[index].accountable.partyId} to case ${commands[index].caseId} was refused: ${outcome.error.code}: ${outcome.error.message}`);
          }
        });
        assigned += commands.length;
        if (rows.length < PAGE) break;
      }
    }
    return assigned;
  }
}
