import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inventory's inline read models, written in the same transaction as the events they come from.
 *
 * `smi_devices`: one row per device in the SMI. Every filter of `GET /devices` has an index ending in
 * device_id, so a filtered page is an index range scan in keyset order (`device_id > cursor`).
 *
 * `smi_service_requests`: one row per answered Service Request (accepted or refused), so the attempts on a
 * device — and later, by a sender — are found without scanning the event store.
 */
export class CreateSmiReadModels1740000000000 implements MigrationInterface {
  name = 'CreateSmiReadModels1740000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE smi_devices (
        device_id                  text PRIMARY KEY,
        device_type                text NOT NULL,
        manufacturer               text NOT NULL,
        model                      text NOT NULL,
        firmware_version           text,
        smets_version              text NOT NULL,
        esme_variant               text,
        status                     text NOT NULL,
        prenotifying_user          text NOT NULL,
        prenotifying_party         text NOT NULL,
        responsible_supplier       text NOT NULL,
        responsible_supplier_user  text,
        version                    integer NOT NULL,
        created_at                 timestamptz NOT NULL,
        updated_at                 timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX smi_devices_status ON smi_devices (status, device_id)`);
    await queryRunner.query(`CREATE INDEX smi_devices_device_type ON smi_devices (device_type, device_id)`);
    await queryRunner.query(`CREATE INDEX smi_devices_dmc ON smi_devices (manufacturer, model, firmware_version, device_id)`);
    await queryRunner.query(`CREATE INDEX smi_devices_model ON smi_devices (model, device_id)`);
    await queryRunner.query(`CREATE INDEX smi_devices_firmware ON smi_devices (firmware_version, device_id)`);
    await queryRunner.query(`CREATE INDEX smi_devices_esme_variant ON smi_devices (esme_variant, device_id) WHERE esme_variant IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX smi_devices_responsible_supplier ON smi_devices (responsible_supplier, device_id)`);

    await queryRunner.query(`
      CREATE TABLE smi_service_requests (
        request_id         text PRIMARY KEY,
        device_id          text NOT NULL,
        service_reference  text NOT NULL,
        response_code      text NOT NULL,
        channel            text NOT NULL,
        sender_user_id     text NOT NULL,
        sender_party_id    text NOT NULL,
        sender_party_type  text NOT NULL,
        correlation_id     text NOT NULL,
        received_at        timestamptz NOT NULL,
        position           bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX smi_service_requests_device ON smi_service_requests (device_id, position)`);
    await queryRunner.query(`CREATE INDEX smi_service_requests_sender ON smi_service_requests (sender_party_id, received_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE smi_service_requests`);
    await queryRunner.query(`DROP TABLE smi_devices`);
  }
}
