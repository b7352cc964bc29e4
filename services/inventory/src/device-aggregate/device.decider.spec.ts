import { Decider, fold, given } from '@smi/decider';
import {
  canTransition,
  createDeviceDecider,
  decideServiceRequest,
  DeviceCommand,
  deviceDecider,
  DeviceDetails,
  DeviceEvent,
  DeviceState,
  EsmeVariant,
  InventoryChanges,
  PreNotifyDevice,
  RefusalCode,
  Sender,
  ServiceRequestRefused,
  SMI_STATUSES,
  SmiStatus,
  UpdateInventory,
  VARIANT_CORRECTION_STATUSES,
} from '.';
import {
  A1,
  A2,
  AT,
  B1,
  changeStatus,
  changeSupplier,
  checkRequired,
  DEVICE,
  DSP,
  DSP_AS_USER,
  ESME_SMETS1,
  ESME_SMETS2,
  GSME_SMETS1,
  GSME_SMETS2,
  historyAt,
  NETWORK,
  preNotified,
  preNotify,
  supplierChanged,
  update,
} from './test-support/device-fixtures';

// ---------------------------------------------------------------------------------------------------
// Then: a refusal recorded with its code, or the events of an accepted request
// ---------------------------------------------------------------------------------------------------

function refusedMatcher(command: PreNotifyDevice | UpdateInventory, code: RefusalCode, status: SmiStatus | null) {
  return expect.objectContaining({
    type: 'ServiceRequestRefused',
    deviceId: DEVICE,
    requestId: command.requestId,
    sender: command.sender,
    at: AT,
    serviceReference: command.type === 'PreNotifyDevice' ? '12.2' : '8.4',
    responseCode: code,
    status,
    reason: expect.any(String),
  });
}

function thenRefused(history: DeviceEvent[], command: PreNotifyDevice | UpdateInventory, code: RefusalCode, status: SmiStatus | null, decider = deviceDecider) {
  given(decider, history)
    .when(command)
    .thenMatches((events) => expect(events).toEqual([refusedMatcher(command, code, status)]));
  expect(decideServiceRequest(command, fold(decider, history), decider).response.responseCode).toBe(code);
}

function thenAccepted(history: DeviceEvent[], command: PreNotifyDevice | UpdateInventory, expected: DeviceEvent[], decider = deviceDecider) {
  given(decider, history).when(command).then(expected);
  expect(decideServiceRequest(command, fold(decider, history), decider).response.responseCode).toBe('I0');
}

// ---------------------------------------------------------------------------------------------------
// SR8.4 Update Inventory: every scenario in every status
// ---------------------------------------------------------------------------------------------------

type Outcome = RefusalCode | 'updated' | 'corrected' | 'nothing';

interface Sr84Scenario {
  name: string;
  details?: DeviceDetails;
  cosTo?: Sender;
  sender: Sender;
  changes: InventoryChanges;
  pending: Outcome;
  /** Whitelisted, InstalledNotCommissioned, Commissioned. */
  afterPending: Outcome;
  /** Every other status: rule 6. */
  other?: Outcome;
}

const SR84_SCENARIOS: Sr84Scenario[] = [
  // Rule 2
  { name: 'a network party (not a supplier) changes the variant', sender: NETWORK, changes: { esmeVariant: 'B' }, pending: 'E2', afterPending: 'E2', other: 'E2' },
  { name: 'the DSP (not a supplier) changes the variant', sender: DSP_AS_USER, changes: { esmeVariant: 'B' }, pending: 'E2', afterPending: 'E2', other: 'E2' },
  // Rules 4 and 5, accepted paths
  { name: 'the pre-notifying user changes the variant', sender: A1, changes: { esmeVariant: 'B' }, pending: 'updated', afterPending: 'corrected' },
  { name: 'the pre-notifying user changes the model', sender: A1, changes: { model: '00050204' }, pending: 'updated', afterPending: 'E5' },
  {
    name: 'the pre-notifying user changes every detail',
    sender: A1,
    changes: { manufacturer: '10AB', model: '00050204', firmwareVersion: '38040405', smetsVersion: 'SMETS1', esmeVariant: 'CDE' },
    pending: 'updated',
    afterPending: 'E5',
  },
  { name: 'the pre-notifying user sends an unchanged model with a new variant', sender: A1, changes: { model: '00050203', esmeVariant: 'B' }, pending: 'updated', afterPending: 'corrected' },
  // Rule 4 (user) against rule 5 (party)
  { name: "another user of the responsible supplier's party changes the variant", sender: A2, changes: { esmeVariant: 'B' }, pending: 'E4', afterPending: 'corrected' },
  // A supplier with no part in the device is answered as if it were not in the SMI (rule 3), whatever its status.
  { name: 'another supplier changes the variant', sender: B1, changes: { esmeVariant: 'B' }, pending: 'E19', afterPending: 'E19', other: 'E19' },
  { name: 'another supplier changes the model', sender: B1, changes: { model: '00050204' }, pending: 'E19', afterPending: 'E19', other: 'E19' },
  // Change of Supplier
  { name: 'the gaining supplier changes the variant after CoS', cosTo: B1, sender: B1, changes: { esmeVariant: 'B' }, pending: 'E4', afterPending: 'corrected' },
  { name: 'the losing pre-notifier changes the variant after CoS', cosTo: B1, sender: A1, changes: { esmeVariant: 'B' }, pending: 'updated', afterPending: 'E4' },
  // Device type and SMETS version
  { name: 'a variant is set on a GSME', details: GSME_SMETS2, sender: A1, changes: { esmeVariant: 'A' }, pending: 'E11', afterPending: 'E11' },
  { name: 'the variant of a SMETS1 ESME is changed', details: ESME_SMETS1, sender: A1, changes: { esmeVariant: 'B' }, pending: 'updated', afterPending: 'E5' },
  { name: 'the variant of an ESME is removed', sender: A1, changes: { esmeVariant: null }, pending: 'E11', afterPending: 'E11' },
  { name: 'an ESME becomes a GSME, clearing the variant', sender: A1, changes: { deviceType: 'GSME', esmeVariant: null }, pending: 'updated', afterPending: 'E5' },
  { name: 'an ESME becomes a GSME, keeping the variant', sender: A1, changes: { deviceType: 'GSME' }, pending: 'E11', afterPending: 'E5' },
  { name: 'a GSME becomes an ESME without a variant', details: GSME_SMETS2, sender: A1, changes: { deviceType: 'ESME' }, pending: 'E11', afterPending: 'E5' },
  { name: 'a GSME becomes an ESME with a variant', details: GSME_SMETS2, sender: A1, changes: { deviceType: 'ESME', esmeVariant: 'BD' }, pending: 'updated', afterPending: 'E5' },
  { name: 'an ESME becomes a Type 2 device keeping its firmware', sender: A1, changes: { deviceType: 'TYPE2', esmeVariant: null }, pending: 'E11', afterPending: 'E5' },
  {
    name: 'an ESME becomes a Type 2 device dropping firmware and variant',
    sender: A1,
    changes: { deviceType: 'TYPE2', esmeVariant: null, firmwareVersion: null },
    pending: 'updated',
    afterPending: 'E5',
  },
  // No change
  { name: 'the pre-notifying user resends the current variant', sender: A1, changes: { esmeVariant: 'A' }, pending: 'nothing', afterPending: 'nothing' },
  { name: 'another supplier resends the current variant', sender: B1, changes: { esmeVariant: 'A' }, pending: 'E19', afterPending: 'E19', other: 'E19' },
  { name: 'the pre-notifying user resends every current detail', sender: A1, changes: { ...ESME_SMETS2 }, pending: 'nothing', afterPending: 'nothing' },
  // Order within rule 5: other field (E5) > not an ESME (E11) > SMETS1 (E5) > not Responsible Supplier (E4). The
  // sender is the losing pre-notifier after a Change of Supplier: a party of the device, but not responsible.
  { name: 'order: another field on a GSME', details: GSME_SMETS2, cosTo: B1, sender: A1, changes: { model: '00050204', esmeVariant: 'A' }, pending: 'E11', afterPending: 'E5' },
  { name: 'order: a SMETS1 GSME', details: GSME_SMETS1, cosTo: B1, sender: A1, changes: { esmeVariant: 'A' }, pending: 'E11', afterPending: 'E11' },
  { name: 'order: a SMETS1 ESME, sender not responsible', details: ESME_SMETS1, cosTo: B1, sender: A1, changes: { esmeVariant: 'B' }, pending: 'updated', afterPending: 'E5' },
  { name: 'order: a non-supplier trying everything', details: GSME_SMETS1, sender: NETWORK, changes: { model: '00050204' }, pending: 'E2', afterPending: 'E2', other: 'E2' },
];

describe('SR8.4 Update Inventory', () => {
  const cases = SR84_SCENARIOS.flatMap((scenario) => SMI_STATUSES.map((status) => [scenario.name, status, scenario] as const));

  it.each(cases)('%s, status %s', (_name, status, scenario) => {
    const details = scenario.details ?? ESME_SMETS2;
    const history = historyAt(status, details, { cosTo: scenario.cosTo });
    const command = update(scenario.sender, scenario.changes);
    const outcome =
      status === 'Pending' ? scenario.pending : VARIANT_CORRECTION_STATUSES.includes(status) ? scenario.afterPending : (scenario.other ?? 'E5');

    switch (outcome) {
      case 'nothing':
        thenAccepted(history, command, []);
        return;
      case 'updated': {
        const changes: Record<string, unknown> = {};
        const previous: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(scenario.changes)) {
          const before = details[field as keyof DeviceDetails];
          if (value !== before) {
            changes[field] = value;
            previous[field] = before;
          }
        }
        thenAccepted(history, command, [
          { type: 'InventoryUpdated', deviceId: DEVICE, requestId: command.requestId, sender: command.sender, at: AT, serviceReference: '8.4', status, changes, previous },
        ]);
        return;
      }
      case 'corrected':
        thenAccepted(history, command, [
          {
            type: 'EsmeVariantCorrected',
            deviceId: DEVICE,
            requestId: command.requestId,
            sender: command.sender,
            at: AT,
            serviceReference: '8.4',
            status,
            from: details.esmeVariant,
            to: scenario.changes.esmeVariant as NonNullable<InventoryChanges['esmeVariant']>,
          },
        ]);
        return;
      default:
        thenRefused(history, command, outcome, status);
    }
  });

  it('rule 3: a device not in the SMI is refused E19, and stays out of it', () => {
    const command = update(A1, { esmeVariant: 'B' });
    thenRefused([], command, 'E19', null);
    const refused = deviceDecider.decide(command, deviceDecider.initialState());
    expect(fold(deviceDecider, refused)).toEqual({ kind: 'not-in-smi' });
    thenRefused(refused, update(A1, { esmeVariant: 'B' }), 'E19', null);
  });

  it('rule 2 comes before rule 3: a non-supplier is refused E2 for a device not in the SMI', () => {
    thenRefused([], update(NETWORK, { esmeVariant: 'B' }), 'E2', null);
  });

  it('records what was asked for in the refusal, normalised', () => {
    const command = update(B1, { esmeVariant: 'B', model: '0005020f' });
    given(deviceDecider, historyAt('Commissioned'))
      .when(command)
      .thenMatches((events) => expect((events[0] as ServiceRequestRefused).requested).toEqual({ esmeVariant: 'B', model: '0005020F' }));
  });

  it('SMETS1 after Pending: E5 even for the pre-notifier', () => {
    thenRefused(historyAt('Commissioned', ESME_SMETS1), update(A1, { esmeVariant: 'B' }), 'E5', 'Commissioned');
  });

  it('Decommissioned: E5 even for the Responsible Supplier correcting the variant', () => {
    thenRefused(historyAt('Decommissioned'), update(A1, { esmeVariant: 'B' }), 'E5', 'Decommissioned');
  });

  it('applies the correction to state', () => {
    const history = historyAt('Commissioned');
    const events = deviceDecider.decide(update(A1, { esmeVariant: 'C' }), fold(deviceDecider, history));
    expect(fold(deviceDecider, [...history, ...events])).toMatchObject({ esmeVariant: 'C', status: 'Commissioned' });
  });

  it('applies a Pending update to state, clearing the variant', () => {
    const history = historyAt('Pending');
    const events = deviceDecider.decide(update(A1, { deviceType: 'GSME', esmeVariant: null }), fold(deviceDecider, history));
    expect(fold(deviceDecider, [...history, ...events])).toMatchObject({ deviceType: 'GSME', esmeVariant: null });
  });

});

// ---------------------------------------------------------------------------------------------------
// SR12.2 Device Pre-notification
// ---------------------------------------------------------------------------------------------------

describe('SR12.2 Device Pre-notification', () => {
  it('records an ESME as Pending, the sender as pre-notifying user and Responsible Supplier', () => {
    const command = preNotify(A1);
    thenAccepted([], command, [{ ...preNotified(), requestId: command.requestId }]);
    const state = fold(deviceDecider, deviceDecider.decide(command, deviceDecider.initialState()));
    expect(state).toEqual({
      kind: 'device',
      deviceId: DEVICE,
      ...ESME_SMETS2,
      status: 'Pending',
      prenotifyingUser: A1.userId,
      prenotifyingParty: 'SUPPLIER-A',
      responsibleSupplier: 'SUPPLIER-A',
      responsibleSupplierUser: A1.userId,
      variantCheckDueBy: null,
    });
  });

  it.each([
    ['a GSME without a variant', GSME_SMETS2],
    ['a SMETS1 ESME', ESME_SMETS1],
    ['a Type 2 device without firmware', { ...GSME_SMETS2, deviceType: 'TYPE2', firmwareVersion: null } as DeviceDetails],
    ['a Comms Hub Function', { ...GSME_SMETS2, deviceType: 'CHF' } as DeviceDetails],
  ])('accepts %s', (_why, details) => {
    const command = preNotify(A1, details);
    thenAccepted([], command, [{ ...preNotified(details), requestId: command.requestId }]);
  });

  it.each([
    ['a network party', NETWORK],
    ['the DSP', DSP_AS_USER],
  ])('refuses %s E2', (_why, sender) => {
    thenRefused([], preNotify(sender), 'E2', null);
  });

  it.each(['Pending', 'Commissioned', 'Withdrawn', 'Decommissioned'] as SmiStatus[])('refuses a device already in the SMI (%s) E5', (status) => {
    thenRefused(historyAt(status), preNotify(A1), 'E5', status);
    thenRefused(historyAt(status), preNotify(B1), 'E5', status);
  });

  it('checks the sender before existence: a non-supplier is refused E2 for an existing device', () => {
    thenRefused(historyAt('Commissioned'), preNotify(NETWORK), 'E2', 'Commissioned');
  });

  it.each([
    ['an ESME without a variant', { ...ESME_SMETS2, esmeVariant: null }],
    ['a GSME with a variant', { ...GSME_SMETS2, esmeVariant: 'A' }],
    ['a Type 2 device with firmware', { ...GSME_SMETS2, deviceType: 'TYPE2' }],
    ['a GSME without firmware', { ...GSME_SMETS2, firmwareVersion: null }],
  ] as Array<[string, DeviceDetails]>)('refuses %s E11', (_why, details) => {
    thenRefused([], preNotify(A1, details), 'E11', null);
  });

  it('can give a Type 2 device NotApplicable instead of Pending, when so configured', () => {
    const decider = createDeviceDecider({ type2InitialStatus: 'NotApplicable' });
    const type2 = { ...GSME_SMETS2, deviceType: 'TYPE2', firmwareVersion: null } as DeviceDetails;
    const command = preNotify(A1, type2);
    thenAccepted([], command, [{ ...preNotified(type2, 'NotApplicable'), requestId: command.requestId }], decider);
    const esme = preNotify(A1);
    thenAccepted([], esme, [{ ...preNotified(), requestId: esme.requestId }], decider);
  });
});

// ---------------------------------------------------------------------------------------------------
// Status changes (DSP integration)
// ---------------------------------------------------------------------------------------------------

function historyFor(status: SmiStatus): DeviceEvent[] {
  return status === 'NotApplicable' ? historyAt(status, { ...GSME_SMETS2, deviceType: 'TYPE2', firmwareVersion: null }) : historyAt(status);
}

describe('SMI status changes', () => {
  const pairs = SMI_STATUSES.flatMap((from) => SMI_STATUSES.map((to) => [from, to] as [SmiStatus, SmiStatus]));

  it.each(pairs)('%s -> %s', (from, to) => {
    const command = changeStatus(to);
    const when = given(deviceDecider, historyFor(from)).when(command);
    if (from === to) {
      when.thenNothingHappens();
    } else if (canTransition(from, to)) {
      when.then([{ type: 'DeviceStatusChanged', deviceId: DEVICE, requestId: command.requestId, sender: DSP, at: AT, from, to, reason: 'reported by the DSP' }]);
    } else {
      const error = when.thenThrows('TRANSITION_NOT_ALLOWED');
      expect(error.details).toEqual({ from, to });
      expect(error.message).toContain(from);
      expect(error.message).toContain(to);
    }
  });

  it.each([
    ['a supplier', A1],
    ['a network party', NETWORK],
  ])('refuses %s: FORBIDDEN', (_why, sender) => {
    given(deviceDecider, historyAt('Pending')).when(changeStatus('Commissioned', sender)).thenThrows('FORBIDDEN');
  });

  it('refuses a device not in the SMI', () => {
    given(deviceDecider, []).when(changeStatus('Commissioned')).thenThrows('DEVICE_NOT_FOUND');
  });

  it('moves the device through its life', () => {
    expect(given(deviceDecider, historyAt('Recovered')).state()).toMatchObject({ status: 'Recovered' });
    expect(given(deviceDecider, historyAt('Suspended')).state()).toMatchObject({ status: 'Suspended' });
  });
});

// ---------------------------------------------------------------------------------------------------
// Change of Supplier (DSP integration)
// ---------------------------------------------------------------------------------------------------

describe('Change of Supplier', () => {
  it('records the gaining supplier (and, on an ESME, the variant check due for it: see below)', () => {
    const command = changeSupplier(B1);
    given(deviceDecider, historyAt('Commissioned'))
      .when(command)
      .then([{ ...supplierChanged(A1, B1), requestId: command.requestId }, checkRequired(A1, B1, { requestId: command.requestId })]);
    given(deviceDecider, historyAt('Commissioned', GSME_SMETS2))
      .when(command)
      .then([{ ...supplierChanged(A1, B1), requestId: command.requestId }]);
  });

  it('then the gaining supplier corrects the variant and the losing one is refused E4', () => {
    const history = [...historyAt('Commissioned'), supplierChanged(A1, B1)];
    expect(given(deviceDecider, history).state()).toMatchObject({ responsibleSupplier: 'SUPPLIER-B', responsibleSupplierUser: B1.userId, prenotifyingUser: A1.userId });
    const gaining = update(B1, { esmeVariant: 'B' });
    thenAccepted(history, gaining, [
      { type: 'EsmeVariantCorrected', deviceId: DEVICE, requestId: gaining.requestId, sender: B1, at: AT, serviceReference: '8.4', status: 'Commissioned', from: 'A', to: 'B' },
    ]);
    thenRefused(history, update(A1, { esmeVariant: 'B' }), 'E4', 'Commissioned');
    thenRefused(history, update(A2, { esmeVariant: 'B' }), 'E4', 'Commissioned');
  });

  it('records nothing when the supplier is already responsible', () => {
    given(deviceDecider, historyAt('Commissioned')).when(changeSupplier(A1)).thenNothingHappens();
    given(deviceDecider, historyAt('Commissioned')).when({ ...changeSupplier(A1), supplierUserId: undefined }).thenNothingHappens();
  });

  it('records a new user of the same party', () => {
    given(deviceDecider, historyAt('Commissioned'))
      .when(changeSupplier(A2))
      .thenMatches((events) => expect(events).toEqual([expect.objectContaining({ supplier: 'SUPPLIER-A', supplierUser: A2.userId, previousSupplierUser: A1.userId })]));
  });

  it('records a party without a user id', () => {
    given(deviceDecider, historyAt('Commissioned'))
      .when({ ...changeSupplier(B1), supplierUserId: null })
      .thenMatches((events) =>
        expect(events).toEqual([
          expect.objectContaining({ type: 'ResponsibleSupplierChanged', supplier: 'SUPPLIER-B', supplierUser: null }),
          expect.objectContaining({ type: 'EsmeVariantCheckRequired', gainingSupplier: 'SUPPLIER-B', gainingSupplierUser: null }),
        ]),
      );
  });

  it.each(['Decommissioned', 'Withdrawn'] as SmiStatus[])('refuses a %s device', (status) => {
    given(deviceDecider, historyAt(status)).when(changeSupplier(B1)).thenThrows('STATUS_INCOMPATIBLE');
  });

  it('refuses a device not in the SMI', () => {
    given(deviceDecider, []).when(changeSupplier(B1)).thenThrows('DEVICE_NOT_FOUND');
  });

  it('refuses anyone but the DSP', () => {
    given(deviceDecider, historyAt('Commissioned')).when(changeSupplier(B1, B1)).thenThrows('FORBIDDEN');
  });

});

// ---------------------------------------------------------------------------------------------------
// The SIT acceptance scenario (SECMP0125)
// ---------------------------------------------------------------------------------------------------

describe('SIT scenario: install and commission a SMETS2 Comms Hub and ESME, Change of Supplier', () => {
  function run(decider: Decider<DeviceCommand, DeviceState, DeviceEvent>, history: DeviceEvent[], command: DeviceCommand): DeviceEvent[] {
    return [...history, ...decider.decide(command, fold(decider, history))];
  }

  it('corrects the variant in Pending, InstalledNotCommissioned and Commissioned; the gaining supplier may, the losing may not', () => {
    let history: DeviceEvent[] = [];
    history = run(deviceDecider, history, preNotify(A1));
    history = run(deviceDecider, history, update(A1, { esmeVariant: 'AD' }));
    history = run(deviceDecider, history, changeStatus('InstalledNotCommissioned'));
    history = run(deviceDecider, history, update(A1, { esmeVariant: 'ADE' }));
    history = run(deviceDecider, history, changeStatus('Commissioned'));
    history = run(deviceDecider, history, update(A1, { esmeVariant: 'B' }));
    history = run(deviceDecider, history, changeSupplier(B1));
    history = run(deviceDecider, history, update(B1, { esmeVariant: 'BD' }));
    history = run(deviceDecider, history, update(A1, { esmeVariant: 'C' }));

    expect(history.map((e) => (e.type === 'ServiceRequestRefused' ? `${e.type}:${e.responseCode}` : e.type))).toEqual([
      'DevicePreNotified',
      'InventoryUpdated',
      'DeviceStatusChanged',
      'EsmeVariantCorrected',
      'DeviceStatusChanged',
      'EsmeVariantCorrected',
      'ResponsibleSupplierChanged',
      'EsmeVariantCheckRequired',
      'EsmeVariantCorrected',
      'EsmeVariantChecked',
      'ServiceRequestRefused:E4',
    ]);
    expect(fold(deviceDecider, history)).toMatchObject({ status: 'Commissioned', esmeVariant: 'BD', responsibleSupplier: 'SUPPLIER-B' });
  });
});

// ---------------------------------------------------------------------------------------------------
// SECMP0125 §5.6: after a Change of Supplier the gaining supplier checks the ESME Variant
// ---------------------------------------------------------------------------------------------------

describe('ESME Variant check after a Change of Supplier (SECMP0125 §5.6)', () => {
  const C1: Sender = { userId: '90-B3-D5-1F-30-05-00-01', partyId: 'SUPPLIER-C', partyType: 'supplier', roles: ['IS'] };
  const B2: Sender = { ...B1, userId: '90-B3-D5-1F-30-02-00-02' };

  /** A Commissioned SMETS2 ESME (variant A) moved from SUPPLIER-A to SUPPLIER-B, the check due for B. */
  const dueForB = (status: SmiStatus = 'Commissioned'): DeviceEvent[] => [...historyAt(status), supplierChanged(A1, B1), checkRequired(A1, B1, { status })];

  function checked(command: UpdateInventory, outcome: 'confirmed' | 'corrected', esmeVariant: EsmeVariant, previousVariant: EsmeVariant, status: SmiStatus = 'Commissioned'): DeviceEvent {
    return {
      type: 'EsmeVariantChecked',
      deviceId: DEVICE,
      requestId: command.requestId,
      sender: command.sender,
      at: AT,
      serviceReference: '8.4',
      status,
      supplier: command.sender.partyId,
      outcome,
      esmeVariant,
      previousVariant,
    };
  }

  describe('Change of Supplier', () => {
    it.each(['Pending', 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned', 'Suspended', 'Recovery'] as SmiStatus[])(
      'on a SMETS2 ESME (%s) records that the check is due for the gaining supplier, with its party id and the device id',
      (status) => {
        const command = changeSupplier(B1);
        given(deviceDecider, historyAt(status))
          .when(command)
          .then([{ ...supplierChanged(A1, B1), requestId: command.requestId }, checkRequired(A1, B1, { requestId: command.requestId, status })]);
        expect(given(deviceDecider, [...historyAt(status), supplierChanged(A1, B1), checkRequired(A1, B1, { status })]).state()).toMatchObject({
          variantCheckDueBy: 'SUPPLIER-B',
        });
      },
    );

    it.each([
      ['a GSME', GSME_SMETS2],
      ['a SMETS1 GSME', GSME_SMETS1],
      ['a Comms Hub Function', { ...GSME_SMETS2, deviceType: 'CHF' } as DeviceDetails],
      ['a Type 2 device', { ...GSME_SMETS2, deviceType: 'TYPE2', firmwareVersion: null } as DeviceDetails],
      // SR8.4 rule 5c: a SMETS1 variant cannot be corrected after Pending, so a check could never be made.
      ['a SMETS1 ESME', ESME_SMETS1],
    ])('on %s records the Change of Supplier and nothing of a variant check', (_why, details) => {
      const command = changeSupplier(B1);
      given(deviceDecider, historyAt('Commissioned', details))
        .when(command)
        .then([{ ...supplierChanged(A1, B1), requestId: command.requestId }]);
    });

    it('on a Recovered ESME (out of service for good) asks for no check', () => {
      const command = changeSupplier(B1);
      given(deviceDecider, historyAt('Recovered')).when(command).then([{ ...supplierChanged(A1, B1), requestId: command.requestId }]);
    });

    it('a further Change of Supplier before the check moves it to the new gaining supplier', () => {
      const command = changeSupplier(C1);
      given(deviceDecider, dueForB())
        .when(command)
        .then([
          { ...supplierChanged(B1, C1), requestId: command.requestId },
          checkRequired(B1, C1, { requestId: command.requestId, movedFrom: 'SUPPLIER-B' }),
        ]);
      const moved = [...dueForB(), supplierChanged(B1, C1), checkRequired(B1, C1, { movedFrom: 'SUPPLIER-B' })];
      expect(given(deviceDecider, moved).state()).toMatchObject({ responsibleSupplier: 'SUPPLIER-C', variantCheckDueBy: 'SUPPLIER-C' });
      // The losing supplier B has no part in the device any more (rule 3); the pre-notifier A is not responsible (5d).
      thenRefused(moved, update(B1, { esmeVariant: 'A' }), 'E19', 'Commissioned');
      thenRefused(moved, update(A1, { esmeVariant: 'A' }), 'E4', 'Commissioned');
      const confirm = update(C1, { esmeVariant: 'A' });
      thenAccepted(moved, confirm, [checked(confirm, 'confirmed', 'A', 'A')]);
    });

    it('a Change of Supplier back to the installing supplier gives the check to it', () => {
      const command = changeSupplier(A1);
      given(deviceDecider, dueForB())
        .when(command)
        .then([{ ...supplierChanged(B1, A1), requestId: command.requestId }, checkRequired(B1, A1, { requestId: command.requestId, movedFrom: 'SUPPLIER-B' })]);
    });

    it('a new user of the same party changes nothing of a check due', () => {
      given(deviceDecider, dueForB())
        .when(changeSupplier(B2))
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['ResponsibleSupplierChanged']));
      expect(given(deviceDecider, [...dueForB(), supplierChanged(B1, B2)]).state()).toMatchObject({ variantCheckDueBy: 'SUPPLIER-B' });
    });
  });

  describe('SR8.4 by the gaining supplier', () => {
    it('confirming the same variant records the check and nothing else; the answer is I0 and says so', () => {
      const command = update(B1, { esmeVariant: 'A' });
      thenAccepted(dueForB(), command, [checked(command, 'confirmed', 'A', 'A')]);
      const { response } = decideServiceRequest(command, fold(deviceDecider, dueForB()));
      expect(response).toEqual({ requestId: command.requestId, serviceReference: '8.4', responseCode: 'I0', message: expect.stringContaining('ESME Variant A confirmed') });
      const after = fold(deviceDecider, [...dueForB(), checked(command, 'confirmed', 'A', 'A')]);
      expect(after).toMatchObject({ esmeVariant: 'A', variantCheckDueBy: null, responsibleSupplier: 'SUPPLIER-B' });
    });

    it('correcting to another variant records the correction as today and the check', () => {
      const command = update(B1, { esmeVariant: 'BD' });
      thenAccepted(dueForB(), command, [
        { type: 'EsmeVariantCorrected', deviceId: DEVICE, requestId: command.requestId, sender: B1, at: AT, serviceReference: '8.4', status: 'Commissioned', from: 'A', to: 'BD' },
        checked(command, 'corrected', 'BD', 'A'),
      ]);
      expect(decideServiceRequest(command, fold(deviceDecider, dueForB())).response.message).toBe(
        'ESME Variant corrected from A to BD; ESME Variant check after the Change of Supplier recorded',
      );
    });

    it('any user of the gaining party may make the check, as it may correct the variant (rule 5d is by party)', () => {
      const command = update(B2, { esmeVariant: 'A' });
      thenAccepted(dueForB(), command, [checked(command, 'confirmed', 'A', 'A')]);
    });

    it('once checked, the same request changes nothing again (no check due)', () => {
      const first = update(B1, { esmeVariant: 'A' });
      const history = [...dueForB(), checked(first, 'confirmed', 'A', 'A')];
      thenAccepted(history, update(B1, { esmeVariant: 'A' }), []);
    });

    it.each(['Whitelisted', 'InstalledNotCommissioned'] as SmiStatus[])('confirms while %s too', (status) => {
      const command = update(B1, { esmeVariant: 'A' });
      thenAccepted(dueForB(status), command, [checked(command, 'confirmed', 'A', 'A', status)]);
    });

    it('a request that does not name the variant is no check: nothing recorded, still due', () => {
      thenAccepted(dueForB(), update(B1, { model: ESME_SMETS2.model }), []);
    });

    it.each([
      ['another field changing', { esmeVariant: 'A', model: '00050204' } as InventoryChanges, 'E5'],
      ['the variant removed', { esmeVariant: null } as InventoryChanges, 'E11'],
    ] as Array<[string, InventoryChanges, RefusalCode]>)('a refused request (%s) records no check: refused as today', (_why, changes, code) => {
      thenRefused(dueForB(), update(B1, changes), code, 'Commissioned');
    });

    it.each(['Suspended', 'Recovery'] as SmiStatus[])('while %s the request is refused E5 as today and the check stays due', (status) => {
      thenRefused(dueForB(status), update(B1, { esmeVariant: 'A' }), 'E5', status);
    });

    it('while Pending only the pre-notifying user may update (E4 as today); once it is the check, it is recorded', () => {
      thenRefused(dueForB('Pending'), update(B1, { esmeVariant: 'A' }), 'E4', 'Pending');
      // Back to the installing supplier while Pending: its pre-notifying user's SR8.4 is the check.
      const back = [...dueForB('Pending'), supplierChanged(B1, A1), checkRequired(B1, A1, { status: 'Pending', movedFrom: 'SUPPLIER-B' })];
      const command = update(A1, { esmeVariant: 'B' });
      thenAccepted(back, command, [
        { type: 'InventoryUpdated', deviceId: DEVICE, requestId: command.requestId, sender: A1, at: AT, serviceReference: '8.4', status: 'Pending', changes: { esmeVariant: 'B' }, previous: { esmeVariant: 'A' } },
        checked(command, 'corrected', 'B', 'A', 'Pending'),
      ]);
    });
  });

  describe('the losing supplier and devices with no check due behave as before', () => {
    it('the losing supplier is refused E4 after the Change of Supplier, and the check stays due for the gaining one', () => {
      thenRefused(dueForB(), update(A1, { esmeVariant: 'A' }), 'E4', 'Commissioned');
      thenRefused(dueForB(), update(A1, { esmeVariant: 'B' }), 'E4', 'Commissioned');
      expect(given(deviceDecider, dueForB()).state()).toMatchObject({ variantCheckDueBy: 'SUPPLIER-B' });
    });

    it('a Change of Supplier recorded before this rule (no check required) leaves no check due: SR8.4 as before', () => {
      const history = [...historyAt('Commissioned'), supplierChanged(A1, B1)];
      expect(given(deviceDecider, history).state()).toMatchObject({ variantCheckDueBy: null });
      thenAccepted(history, update(B1, { esmeVariant: 'A' }), []);
      const command = update(B1, { esmeVariant: 'B' });
      thenAccepted(history, command, [
        { type: 'EsmeVariantCorrected', deviceId: DEVICE, requestId: command.requestId, sender: B1, at: AT, serviceReference: '8.4', status: 'Commissioned', from: 'A', to: 'B' },
      ]);
    });

    it('an ESME never changed of supplier: the same variant changes nothing, another is corrected, no check', () => {
      thenAccepted(historyAt('Commissioned'), update(A1, { esmeVariant: 'A' }), []);
      const command = update(A1, { esmeVariant: 'C' });
      given(deviceDecider, historyAt('Commissioned'))
        .when(command)
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['EsmeVariantCorrected']));
    });
  });

  describe('a check that can no longer be made is no longer due', () => {
    it.each(['Decommissioned', 'Recovered'] as SmiStatus[])('the device reaches %s', (to) => {
      const path: SmiStatus[] = to === 'Recovered' ? ['Recovery', 'Recovered'] : ['Decommissioned'];
      let history = dueForB();
      for (const status of path) history = [...history, ...deviceDecider.decide(changeStatus(status), fold(deviceDecider, history))];
      expect(fold(deviceDecider, history)).toMatchObject({ status: to, variantCheckDueBy: null });
    });

    it('a Pending ESME becomes a GSME', () => {
      const back = [...dueForB('Pending'), supplierChanged(B1, A1), checkRequired(B1, A1, { status: 'Pending', movedFrom: 'SUPPLIER-B' })];
      const command = update(A1, { deviceType: 'GSME', esmeVariant: null });
      const events = deviceDecider.decide(command, fold(deviceDecider, back));
      expect(events.map((e) => e.type)).toEqual(['InventoryUpdated']);
      expect(fold(deviceDecider, [...back, ...events])).toMatchObject({ deviceType: 'GSME', variantCheckDueBy: null });
    });
  });
});
