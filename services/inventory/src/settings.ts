import { CommonSettings, serviceDatabaseUrl } from '@smi/config';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class InventorySettings extends CommonSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  INVENTORY_PORT = 3004;

  /** Full URL of this service's own database; defaults to DATABASE_URL with the database smi_inventory. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[a-z_][a-z0-9_]*(\?.*)?$/, { message: 'must be a postgres:// URL naming a database (lower-case letters, digits, _)' })
  INVENTORY_DATABASE_URL?: string = undefined;

  /**
   * SMI status of a pre-notified Type 2 device (docs/domain.md leaves it open, see DeviceRuleOptions):
   * `Pending` like every device, or `NotApplicable`, which leaves it without transitions or corrections.
   */
  @IsIn(['Pending', 'NotApplicable'])
  INVENTORY_TYPE2_INITIAL_STATUS: 'Pending' | 'NotApplicable' = 'Pending';

  /**
   * Partitions of inventory.service-requests decided at the same time, each in its own transaction and still in
   * order. Commands are keyed by Device ID, so no two partitions touch one device; one at a time leaves the
   * database idle while the service works and the reverse, and at a steady 1,000/s a partition's answers wait
   * behind every other partition's commit.
   */
  @IsInt()
  @Min(1)
  @Max(32)
  INVENTORY_SR_CONCURRENT_PARTITIONS = 6;

  /**
   * Largest bulk correction file, in bytes. A `Device ID,ESME Variant` row is about 30 bytes, so the default
   * 64 MiB holds some two million rows: the whole 719,000-device backlog in one file with room to spare.
   */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  INVENTORY_BULK_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

  /**
   * Rows of a bulk correction lane decided in one transaction (one DeviceWriter batch). Larger batches save little
   * once past a few hundred rows, and each one in flight is held in memory until it commits.
   */
  @IsInt()
  @Min(1)
  @Max(5000)
  INVENTORY_BULK_BATCH_SIZE = 500;

  /**
   * Lanes a new bulk correction is dealt into by Device ID: lanes share no device, so their batches run side by
   * side (one transaction each), the database working on one while the service decides another.
   */
  @IsInt()
  @Min(1)
  @Max(8)
  INVENTORY_BULK_LANES = 2;

  /** How often an idle instance looks for bulk corrections to run (another instance may have accepted them). */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  INVENTORY_BULK_POLL_INTERVAL_MS = 2000;
}

export function inventoryDatabaseUrl(settings: InventorySettings): string {
  return settings.INVENTORY_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_inventory');
}
