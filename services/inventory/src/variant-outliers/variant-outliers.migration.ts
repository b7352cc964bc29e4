import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index behind GET /reports/variant-outliers. Every question the outlier list asks of smi_devices is answered
 * from it alone (an index-only scan while the visibility map is current):
 * - how many ESMEs of each manufacturer and model carry each variant (grouped on its first three columns);
 * - which ESMEs of a model carry a minority variant (equality on all three, then device_id order);
 * - the same for one Responsible Supplier (equality on the fourth column).
 * Partial on ESMEs: no other device type carries a variant.
 */
export class CreateVariantOutliersIndex1750000000100 implements MigrationInterface {
  name = 'CreateVariantOutliersIndex1750000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX smi_devices_esme_variants ON smi_devices (manufacturer, model, esme_variant, responsible_supplier, device_id) WHERE device_type = 'ESME'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX smi_devices_esme_variants`);
  }
}
