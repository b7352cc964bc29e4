import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who among the network parties may read the defects database: the inline read model of stream
 * `network-access`, written in the transaction of its events (access/network-access.handler.ts). One row per
 * party DCC added (`party:<partyId>`) and one for the switch that lets every network party in
 * (`all-network-parties`), so a reader's access is one index probe.
 */
export class CreateNetworkAccessGrants1735000000000 implements MigrationInterface {
  name = 'CreateNetworkAccessGrants1735000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE network_access_grants (
        grant_key   text PRIMARY KEY,
        scope       text NOT NULL CHECK (scope IN ('party', 'all-network-parties')),
        party_id    text NULL,
        granted_at  timestamptz NOT NULL,
        CHECK ((scope = 'party') = (party_id IS NOT NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE network_access_grants`);
  }
}
