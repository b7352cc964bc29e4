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
   * SMI status of a pre-notified Type 2 device (domain.md leaves it open, see DeviceDeciderOptions):
   * `Pending` like every device, or `NotApplicable`, which leaves it without transitions or corrections.
   */
  @IsIn(['Pending', 'NotApplicable'])
  INVENTORY_TYPE2_INITIAL_STATUS: 'Pending' | 'NotApplicable' = 'Pending';
}

export function inventoryDatabaseUrl(settings: InventorySettings): string {
  return settings.INVENTORY_DATABASE_URL ?? serviceDatabaseUrl(settings.DATABASE_URL, 'smi_inventory');
}
