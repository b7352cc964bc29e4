import { BulkCorrectionStatusFromEvents1770000000000 } from './bulk-corrections/bulk-correction-status.migration';
import { CreateBulkCorrections1750000000000 } from './bulk-corrections/bulk-corrections.migration';
import { CreateSmiReadModels1740000000000 } from './smi-read-model/smi-read-model.migration';
import { AddVariantCheckDue1780000000000 } from './smi-read-model/variant-check.migration';
import { CreateVariantOutliersIndex1750000000100 } from './variant-outliers/variant-outliers.migration';
import { WEBHOOK_MIGRATIONS } from '@smi/webhooks';

/** This service's own schema changes, in order; the platform's shared tables come first. */
export const INVENTORY_MIGRATIONS: Array<new () => unknown> = [
  CreateSmiReadModels1740000000000,
  CreateBulkCorrections1750000000000,
  CreateVariantOutliersIndex1750000000100,
  BulkCorrectionStatusFromEvents1770000000000,
  AddVariantCheckDue1780000000000,
  ...WEBHOOK_MIGRATIONS,
];
