import {
  DevicePreNotifiedData,
  DeviceStatusChangedData,
  EsmeVariantCheckedData,
  EsmeVariantCheckRequiredData,
  EsmeVariantCorrectedData,
  eventSchemaErrors,
  InventoryUpdatedData,
  ResponsibleSupplierChangedData,
  ServiceRequestAnsweredData,
  ServiceRequestRefusedData,
} from '@smi/contracts';
import { fold } from '@smi/decider';
import { toNewEvent } from '@smi/event-store';
import {
  answered,
  createDeviceDecider,
  decideServiceRequest,
  DEVICE_TYPES,
  DeviceCommand,
  deviceDecider,
  DeviceDetails,
  DeviceEvent,
  DevicePreNotified,
  DeviceStatusChanged,
  EsmeVariantChecked,
  EsmeVariantCheckRequired,
  EsmeVariantCorrected,
  InventoryChanges,
  InventoryUpdated,
  ResponsibleSupplierChanged,
  Sender,
  ServiceRequestAnswered,
  ServiceRequestCommand,
  ServiceRequestRefused,
  SmiStatus,
  STATUS_TRANSITIONS,
} from '.';

// Compile-time half of the contract: the decider's event shapes must fit the published data types.
type Data<E> = Omit<E, 'type'>;
// Only difference allowed: the decider holds roles read-only, the contract as a plain array.
const plain = <E extends { sender: Sender }>(e: E) => ({ ...e, sender: { ...e.sender, roles: [...e.sender.roles] } });
const _shapes: Array<(e: never) => unknown> = [
  (e: Data<DevicePreNotified>): DevicePreNotifiedData => plain(e),
  (e: Data<InventoryUpdated>): InventoryUpdatedData => plain(e),
  (e: Data<EsmeVariantCorrected>): EsmeVariantCorrectedData => plain(e),
  (e: Data<ServiceRequestRefused>): ServiceRequestRefusedData => plain(e),
  (e: Data<DeviceStatusChanged>): DeviceStatusChangedData => plain(e),
  (e: Data<ResponsibleSupplierChanged>): ResponsibleSupplierChangedData => plain(e),
  (e: Data<ServiceRequestAnswered>): ServiceRequestAnsweredData => plain(e),
  (e: Data<EsmeVariantCheckRequired>): EsmeVariantCheckRequiredData => plain(e),
  (e: Data<EsmeVariantChecked>): EsmeVariantCheckedData => plain(e),
];

const AT = '2024-05-01T09:30:00.000Z';
const A1: Sender = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const B1: Sender = { userId: '90-B3-D5-1F-30-02-00-01', partyId: 'SUPPLIER-B', partyType: 'supplier', roles: ['IS'] };
const NETWORK: Sender = { userId: '90-B3-D5-1F-30-03-00-01', partyId: 'DNO-X', partyType: 'network', roles: ['ED'] };
const DSP: Sender = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };
const ESME: DeviceDetails = { deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: 'A' };

let counter = 0;
let deviceCounter = 0;
function nextDevice(): string {
  const hex = (++deviceCounter).toString(16).toUpperCase().padStart(4, '0');
  return `00-DB-12-34-56-78-${hex.slice(0, 2)}-${hex.slice(2)}`;
}

/** Runs commands against one device, keeping every event and every Service Request answer. */
class Device {
  readonly events: DeviceEvent[] = [];
  readonly answers: ServiceRequestAnswered[] = [];
  readonly id = nextDevice();

  constructor(private readonly decider = deviceDecider) {}

  sr(command: Omit<ServiceRequestCommand, 'requestId' | 'deviceId' | 'at'>): this {
    const full = { ...command, requestId: `${command.sender.userId}:${this.id}:${++counter}`, deviceId: this.id, at: AT } as ServiceRequestCommand;
    const { response, events } = decideServiceRequest(full, fold(this.decider, this.events), this.decider);
    this.events.push(...events);
    this.answers.push(answered(response, { deviceId: this.id, sender: full.sender, channel: counter % 2 ? 'http' : 'kafka', receivedAt: AT }));
    return this;
  }

  preNotify(sender: Sender, details: Partial<DeviceDetails> = {}): this {
    return this.sr({ type: 'PreNotifyDevice', sender, ...ESME, ...details } as Omit<ServiceRequestCommand, 'requestId' | 'deviceId' | 'at'>);
  }

  update(sender: Sender, changes: InventoryChanges): this {
    return this.sr({ type: 'UpdateInventory', sender, changes } as Omit<ServiceRequestCommand, 'requestId' | 'deviceId' | 'at'>);
  }

  fromDsp(command: Omit<DeviceCommand, 'requestId' | 'deviceId' | 'at' | 'sender'>): this {
    const full = { ...command, requestId: `dsp-${++counter}`, deviceId: this.id, at: AT, sender: DSP } as DeviceCommand;
    this.events.push(...this.decider.decide(full, fold(this.decider, this.events)));
    return this;
  }

  status(to: SmiStatus): this {
    return this.fromDsp({ type: 'ChangeDeviceStatus', to, reason: 'reported by the DSP' } as Omit<DeviceCommand, 'requestId' | 'deviceId' | 'at' | 'sender'>);
  }

  cos(to: Sender, withUser = true): this {
    return this.fromDsp({
      type: 'ChangeResponsibleSupplier',
      supplierPartyId: to.partyId,
      supplierUserId: withUser ? to.userId : null,
      effectiveFrom: withUser ? '2024-06-01' : '2024-06-01T00:00:00Z',
    } as Omit<DeviceCommand, 'requestId' | 'deviceId' | 'at' | 'sender'>);
  }
}

const DEVICE_EVENT_TYPES = [
  'DevicePreNotified',
  'InventoryUpdated',
  'EsmeVariantCorrected',
  'ServiceRequestRefused',
  'DeviceStatusChanged',
  'ResponsibleSupplierChanged',
  'EsmeVariantCheckRequired',
  'EsmeVariantChecked',
];

/** The SIT scenario, every refusal code the rules give, every device type and every status transition. */
function scenarios(): Device[] {
  const devices: Device[] = [];
  const sit = new Device()
    .update(A1, { esmeVariant: 'B' }) // E19
    .preNotify(NETWORK) // E2
    .preNotify(A1)
    .preNotify(B1) // E5 already in the SMI
    .update(A1, { esmeVariant: 'AD', model: '00050204' })
    .update(B1, { esmeVariant: 'B' }) // E4 while Pending
    .update(A1, { esmeVariant: null }) // E11
    .update(A1, { esmeVariant: 'AD' }) // no change
    .status('Whitelisted')
    .status('InstalledNotCommissioned')
    .update(A1, { esmeVariant: 'ADE' })
    .update(A1, { model: '00050205' }) // E5 other field
    .status('Commissioned')
    .update(A1, { esmeVariant: 'B' })
    .cos(B1)
    .update(B1, { esmeVariant: 'BD' })
    .update(A1, { esmeVariant: 'C' }) // E4 after CoS
    .cos(A1, false)
    .status('Decommissioned')
    .update(A1, { esmeVariant: 'CD' }); // E5 status
  devices.push(sit);
  // The variant check after a Change of Supplier: confirmed, moved by a further Change of Supplier without a user id.
  devices.push(new Device().preNotify(A1).status('Commissioned').cos(B1).cos(A1, false).update(A1, { esmeVariant: 'A' }));
  devices.push(new Device().preNotify(A1, { smetsVersion: 'SMETS1' }).status('Commissioned').update(A1, { esmeVariant: 'B' })); // E5 SMETS1
  devices.push(new Device().preNotify(A1, { deviceType: 'GSME', esmeVariant: null }).status('Commissioned').update(A1, { esmeVariant: 'B' })); // E11
  devices.push(new Device().preNotify(A1, { esmeVariant: null })); // E11 on SR12.2
  devices.push(new Device().preNotify(A1).update(A1, { deviceType: 'TYPE2', esmeVariant: null, firmwareVersion: null }));
  for (const deviceType of DEVICE_TYPES) {
    const details: Partial<DeviceDetails> =
      deviceType === 'ESME' ? {} : deviceType === 'TYPE2' ? { deviceType, esmeVariant: null, firmwareVersion: null } : { deviceType, esmeVariant: null };
    devices.push(new Device().preNotify(A1, details));
    devices.push(new Device(createDeviceDecider({ type2InitialStatus: 'NotApplicable' })).preNotify(A1, details));
  }
  for (const transition of STATUS_TRANSITIONS) {
    const device = new Device().preNotify(A1);
    const path: SmiStatus[] = transition.from === 'Pending' ? [] : transition.from === 'Recovery' ? ['Commissioned', 'Recovery'] : transition.from === 'Suspended' ? ['Commissioned', 'Suspended'] : [transition.from];
    for (const status of path) device.status(status);
    device.status(transition.to);
    devices.push(device);
  }
  return devices;
}

describe('inventory events conform to their published contracts', () => {
  const devices = scenarios();
  const events = devices.flatMap((d) => d.events);
  const answers = devices.flatMap((d) => d.answers);

  it('the scenarios produce every event type and every refusal code the rules give', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(DEVICE_EVENT_TYPES));
    const checks = events.filter((e): e is EsmeVariantChecked => e.type === 'EsmeVariantChecked');
    expect(new Set(checks.map((e) => e.outcome))).toEqual(new Set(['confirmed', 'corrected']));
    const required = events.filter((e): e is EsmeVariantCheckRequired => e.type === 'EsmeVariantCheckRequired');
    expect(required.some((e) => e.movedFrom !== null) && required.some((e) => e.movedFrom === null && e.gainingSupplierUser !== null)).toBe(true);
    const codes = new Set(events.filter((e): e is ServiceRequestRefused => e.type === 'ServiceRequestRefused').map((e) => e.responseCode));
    expect(codes).toEqual(new Set(['E2', 'E4', 'E5', 'E11', 'E19']));
    expect(new Set(answers.map((a) => a.responseCode))).toEqual(new Set(['I0', 'E2', 'E4', 'E5', 'E11', 'E19']));
    expect(_shapes).toHaveLength(9);
  });

  it.each(DEVICE_EVENT_TYPES)(
    'every %s the decider emits validates against its schema (as stored: data without type, after a JSON round trip)',
    (type) => {
      const ofType = events.filter((e) => e.type === type);
      expect(ofType.length).toBeGreaterThan(0);
      for (const event of ofType) {
        const { data } = toNewEvent(event);
        expect({ event, errors: eventSchemaErrors('inventory', type, 1, JSON.parse(JSON.stringify(data))) }).toEqual({ event, errors: [] });
      }
    },
  );

  it('every ServiceRequestAnswered validates against its schema', () => {
    for (const answer of answers) {
      const { data } = toNewEvent(answer);
      expect({ answer, errors: eventSchemaErrors('inventory', 'ServiceRequestAnswered', 1, JSON.parse(JSON.stringify(data))) }).toEqual({ answer, errors: [] });
    }
  });

  it('the schemas refuse what the contract rules out', () => {
    const [preNotified] = events.filter((e) => e.type === 'DevicePreNotified');
    const { data } = toNewEvent(preNotified);
    expect(eventSchemaErrors('inventory', 'DevicePreNotified', 1, { ...data, colour: 'red' })).not.toEqual([]);
    expect(eventSchemaErrors('inventory', 'DevicePreNotified', 1, { ...data, deviceId: '00db1234567890a0' })).not.toEqual([]);
    expect(eventSchemaErrors('inventory', 'DevicePreNotified', 1, { ...data, esmeVariant: 'E' })).not.toEqual([]);
    const { data: answer } = toNewEvent(answers[0]);
    expect(eventSchemaErrors('inventory', 'ServiceRequestAnswered', 1, { ...answer, channel: 'fax' })).not.toEqual([]);
    const { data: required } = toNewEvent(events.find((e) => e.type === 'EsmeVariantCheckRequired') as DeviceEvent);
    expect(eventSchemaErrors('inventory', 'EsmeVariantCheckRequired', 1, { ...required, gainingSupplier: '' })).not.toEqual([]);
    const { gainingSupplier: _dropped, ...withoutGaining } = required as Record<string, unknown>;
    expect(eventSchemaErrors('inventory', 'EsmeVariantCheckRequired', 1, withoutGaining)).not.toEqual([]);
    const { data: checked } = toNewEvent(events.find((e) => e.type === 'EsmeVariantChecked') as DeviceEvent);
    expect(eventSchemaErrors('inventory', 'EsmeVariantChecked', 1, { ...checked, outcome: 'maybe' })).not.toEqual([]);
  });
});
