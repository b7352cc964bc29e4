import { given } from '@smi/decider';
import { DeviceDetails, deviceDecider, InventoryChanges, PreNotifyDevice, SmiStatus, UpdateInventory } from '.';
import { A1, AT, B1, changeStatus, changeSupplier, DEVICE, historyAt, preNotified, preNotify, update } from './test-support/device-fixtures';

// Rule 1: what the decider cannot read throws MALFORMED and records nothing (the DTOs should have refused it
// first); what it can read is recorded in canonical form.

describe('SR8.4 input', () => {
  describe('malformed requests (rule 1) record nothing', () => {
    it.each<[string, unknown]>([
      ['no changes', {}],
      ['only undefined changes', { model: undefined }],
      ['an unknown field', { colour: 'red' }],
      ['a variant outside the nine codes', { esmeVariant: 'E' }],
      ['a lower-case variant', { esmeVariant: 'ad' }],
      ['a null device type', { deviceType: null }],
      ['an unknown device type', { deviceType: 'WATER' }],
      ['a short model', { model: '0005' }],
      ['a bad manufacturer', { manufacturer: 'XYZW' }],
      ['a bad SMETS version', { smetsVersion: 'SMETS3' }],
      ['changes that are not an object', 'esmeVariant=B'],
    ])('%s', (_why, changes) => {
      given(deviceDecider, historyAt('Commissioned'))
        .when(update(A1, changes as InventoryChanges))
        .thenThrows('MALFORMED');
    });

    it('a RequestID targeting another device', () => {
      const command = { ...update(A1, { esmeVariant: 'B' }), requestId: `${A1.userId}:00-DB-12-34-56-78-90-A1:5` };
      given(deviceDecider, historyAt('Commissioned')).when(command).thenThrows('MALFORMED');
    });

    it("a RequestID originated by another user than the sender", () => {
      const command = { ...update(A1, { esmeVariant: 'B' }), requestId: `${B1.userId}:${DEVICE}:5` };
      given(deviceDecider, historyAt('Commissioned')).when(command).thenThrows('MALFORMED');
    });

    it('a sender whose user id is not an EUI-64', () => {
      const sender = { ...A1, userId: 'alice' };
      const command = { ...update(A1, { esmeVariant: 'B' }), sender };
      given(deviceDecider, historyAt('Commissioned')).when(command).thenThrows('MALFORMED');
    });

    it('a time without a zone', () => {
      given(deviceDecider, historyAt('Commissioned'))
        .when({ ...update(A1, { esmeVariant: 'B' }), at: '2024-05-01 09:30' })
        .thenThrows('MALFORMED');
    });
  });

  it('accepts identifiers in any accepted notation and records them canonically', () => {
    const command: UpdateInventory = {
      ...update(A1, { model: '0005020f' }),
      deviceId: '00db1234567890a0',
      requestId: `90b3d51f30010001:00db1234567890a0:0042`,
      sender: { ...A1, userId: '90b3d51f30010001' },
    };
    given(deviceDecider, historyAt('Pending'))
      .when(command)
      .then([
        {
          type: 'InventoryUpdated',
          deviceId: DEVICE,
          requestId: `${A1.userId}:${DEVICE}:42`,
          sender: A1,
          at: AT,
          serviceReference: '8.4',
          status: 'Pending',
          changes: { model: '0005020F' },
          previous: { model: '00050203' },
        },
      ]);
  });

  it('refuses to decide against another device\'s history', () => {
    const other = { ...preNotified(), deviceId: '00-DB-12-34-56-78-90-A1' };
    given(deviceDecider, [other]).when(update(A1, { esmeVariant: 'B' })).thenThrows('WRONG_STREAM');
  });
});

describe('SR12.2 input', () => {
  it('normalises identifiers', () => {
    const command: PreNotifyDevice = {
      ...preNotify(A1, { manufacturer: '10ab', model: '0005020f', firmwareVersion: '3804040a' }),
      deviceId: '00db1234567890a0',
    };
    given(deviceDecider, [])
      .when(command)
      .thenMatches((events) =>
        expect(events[0]).toMatchObject({ deviceId: DEVICE, manufacturer: '10AB', model: '0005020F', firmwareVersion: '3804040A' }),
      );
  });

  it.each([
    ['a variant outside the nine codes', { esmeVariant: 'E' }],
    ['an unknown device type', { deviceType: 'WATER' }],
    ['a bad manufacturer', { manufacturer: '1' }],
    ['a bad firmware version', { firmwareVersion: 'v1' }],
  ] as Array<[string, Partial<DeviceDetails>]>)('throws MALFORMED for %s', (_why, details) => {
    given(deviceDecider, []).when(preNotify(A1, details)).thenThrows('MALFORMED');
  });

  it('throws MALFORMED for a bad Device ID', () => {
    given(deviceDecider, []).when({ ...preNotify(A1), deviceId: '00-DB' }).thenThrows('MALFORMED');
  });
});

describe('DSP status change input', () => {
  it('throws MALFORMED for an unknown status or a missing reason', () => {
    given(deviceDecider, historyAt('Pending')).when({ ...changeStatus('Commissioned'), to: 'Installed' as SmiStatus }).thenThrows('MALFORMED');
    given(deviceDecider, historyAt('Pending')).when({ ...changeStatus('Commissioned'), reason: ' ' }).thenThrows('MALFORMED');
  });
});

describe('Change of Supplier input', () => {
  it('throws MALFORMED for a bad effective date or supplier user id', () => {
    given(deviceDecider, historyAt('Commissioned')).when({ ...changeSupplier(B1), effectiveFrom: '2024-02-30' }).thenThrows('MALFORMED');
    given(deviceDecider, historyAt('Commissioned')).when({ ...changeSupplier(B1), supplierUserId: 'bob' }).thenThrows('MALFORMED');
    given(deviceDecider, historyAt('Commissioned')).when({ ...changeSupplier(B1), supplierPartyId: '' }).thenThrows('MALFORMED');
  });
});
