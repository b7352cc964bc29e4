import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ESME Variant check due after a Change of Supplier (SECMP0125 §5.6, docs/domain.md): `variant_check_due_by`, the
 * party the check is due for, is part of the device state the row snapshots, and `GET /devices?variantCheck=due`
 * reads it through the partial index (only devices with a check due are in it). A supplier's page asks for both the
 * party the check is due for and the Responsible Supplier (its visibility rule), so both lead the index: the page is
 * one range scan in device_id order (an index on the due party alone had the planner AND it with the supplier index
 * and sort). Built on a column NULL everywhere, it costs one scan of the table and holds no entry yet.
 *
 * Every existing row gets NULL, which is what its stream folds to: no EsmeVariantCheckRequired was recorded before
 * this rule, so the rows stay exact snapshots of their streams and nothing has to be backfilled.
 */
export class AddVariantCheckDue1780000000000 implements MigrationInterface {
  name = 'AddVariantCheckDue1780000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE smi_devices ADD COLUMN variant_check_due_by text`);
    await queryRunner.query(
      `CREATE INDEX smi_devices_variant_check_due ON smi_devices (variant_check_due_by, responsible_supplier, device_id) WHERE variant_check_due_by IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX smi_devices_variant_check_due`);
    await queryRunner.query(`ALTER TABLE smi_devices DROP COLUMN variant_check_due_by`);
  }
}
