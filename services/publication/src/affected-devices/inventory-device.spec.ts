import { evolveInventoryDevice, IN_SERVICE_STATUSES, InventoryDeviceEvent, InventoryDeviceRow } from './inventory-device';

const sender = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const base = { deviceId: '00-DB-12-34-56-78-90-A1', requestId: '90-B3-D5-1F-30-01-00-01:00-DB-12-34-56-78-90-A1:1', sender, at: '2026-03-01T10:00:00.000Z' };

const preNotified: InventoryDeviceEvent = {
  type: 'DevicePreNotified',
  data: { ...base, serviceReference: '12.2', status: 'Pending', deviceType: 'ESME', manufacturer: '1A2B', model: '0000E470', firmwareVersion: '3804ABCD', smetsVersion: 'SMETS2', esmeVariant: 'A' },
};

const fold = (events: InventoryDeviceEvent[]) => events.reduce<InventoryDeviceRow | undefined>(evolveInventoryDevice, undefined);

describe('what publication keeps of a device in the inventory', () => {
  it('takes the SMI ids, the firmware (keyed as published items key theirs), the pre-notifying supplier and the status from SR12.2', () => {
    expect(fold([preNotified])).toEqual({
      device_id: '00-DB-12-34-56-78-90-A1',
      device_type: 'ESME',
      manufacturer_id: '1A2B',
      model_id: '0000E470',
      firmware_version: '3804ABCD',
      firmware_key: '3804abcd',
      responsible_supplier: 'SUPPLIER-A',
      status: 'Pending',
    });
  });

  it('follows SR8.4 updates of the fields it keeps only, a cleared firmware included, and their status', () => {
    const updated = fold([
      preNotified,
      { type: 'InventoryUpdated', data: { ...base, serviceReference: '8.4', status: 'Pending', changes: { firmwareVersion: '38040405', smetsVersion: 'SMETS2' }, previous: { firmwareVersion: '3804ABCD' } } },
    ]);
    expect(updated).toMatchObject({ firmware_version: '38040405', firmware_key: '38040405', manufacturer_id: '1A2B', model_id: '0000E470' });
    const retyped = fold([
      preNotified,
      {
        type: 'InventoryUpdated',
        data: { ...base, serviceReference: '8.4', status: 'Pending', changes: { deviceType: 'TYPE2', firmwareVersion: null, esmeVariant: null, model: '0000AAAA' }, previous: {} },
      },
    ]);
    expect(retyped).toMatchObject({ device_type: 'TYPE2', firmware_version: null, firmware_key: null, model_id: '0000AAAA' });
  });

  it('moves the device to the gaining supplier on a Change of Supplier, and follows its status', () => {
    const device = fold([
      preNotified,
      { type: 'DeviceStatusChanged', data: { ...base, from: 'Pending', to: 'Commissioned', reason: 'installed' } },
      {
        type: 'ResponsibleSupplierChanged',
        data: { ...base, previousSupplier: 'SUPPLIER-A', previousSupplierUser: null, supplier: 'SUPPLIER-B', supplierUser: null, effectiveFrom: '2026-03-01' },
      },
      { type: 'EsmeVariantCorrected', data: { ...base, serviceReference: '8.4', status: 'Commissioned', from: 'A', to: 'B' } },
    ]);
    expect(device).toMatchObject({ responsible_supplier: 'SUPPLIER-B', status: 'Commissioned', firmware_version: '3804ABCD' });
  });

  it('knows no device from a later event without its pre-notification', () => {
    expect(fold([{ type: 'DeviceStatusChanged', data: { ...base, from: 'Pending', to: 'Commissioned', reason: 'x' } }])).toBeUndefined();
  });

  it('counts devices in service or on their way there, not decommissioned, withdrawn, recovered or inert ones', () => {
    expect([...IN_SERVICE_STATUSES].sort()).toEqual(['Commissioned', 'InstalledNotCommissioned', 'Pending', 'Recovery', 'Suspended', 'Whitelisted']);
  });
});
