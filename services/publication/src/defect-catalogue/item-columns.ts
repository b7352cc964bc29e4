/**
 * The columns of an item's own fields, as both item read models (dcc_items, published_items) store them and every
 * audience is shown them: one list for the projections' writes and the views' reads.
 */
export const ITEM_FIELD_COLUMNS = [
  'identifier',
  'make',
  'model',
  'manufacturer_id',
  'smi_model_id',
  'submitted_make',
  'submitted_model',
  'firmware_version',
  'device_type',
  'source',
  'status_of_information',
  'date_last_updated',
  'fix_available',
  'fix_information',
  'fixing_firmware_version',
  'description',
] as const;
