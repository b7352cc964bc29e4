import { PartyType } from '@smi/auth';
import { call, TestSystem } from './system';

/** Parties of the inventory scenarios: DCC Users are EUI-64s, the DSP integration has its own id. */
export const PARTIES = {
  supplierA: { sub: '90-B3-D5-1F-30-01-00-01', party: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] },
  supplierB: { sub: '90-B3-D5-1F-30-02-00-01', party: 'SUPPLIER-B', partyType: 'supplier', roles: ['IS'] },
  supplierC: { sub: '90-B3-D5-1F-30-05-00-01', party: 'SUPPLIER-C', partyType: 'supplier', roles: ['IS'] },
  network: { sub: '90-B3-D5-1F-30-03-00-01', party: 'DNO-X', partyType: 'network', roles: ['ED'] },
  dsp: { sub: 'dsp-integration', party: 'DSP', partyType: 'dsp', roles: [] },
  dcc: { sub: 'dcc-auditor', party: 'DCC', partyType: 'dcc', roles: ['audit'] },
  manufacturer: { sub: 'mfr-user', party: 'MFR-NORTHWIND', partyType: 'manufacturer', roles: [] },
} satisfies Record<string, { sub: string; party: string; partyType: PartyType; roles: string[] }>;

export type PartyName = keyof typeof PARTIES;

/** The sender as a DSP gateway names it in a Kafka Service Request. */
export function senderOf(name: PartyName) {
  const p = PARTIES[name];
  return { userId: p.sub, partyId: p.party, partyType: p.partyType, roles: p.roles };
}

export const ESME_DETAILS = { deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: 'A' };
export const CHF_DETAILS = { deviceType: 'CHF', manufacturer: '10AB', model: '00070001', firmwareVersion: '01020304', smetsVersion: 'SMETS2', esmeVariant: null };

/** Calls the inventory as one of the parties, minting (and keeping) its token. */
export class InventoryClient {
  private readonly tokens = new Map<PartyName, string>();
  private counter = 1000;

  constructor(private readonly system: TestSystem) {}

  async as(name: PartyName, method: string, path: string, body?: unknown) {
    let token = this.tokens.get(name);
    if (!token) {
      const p = PARTIES[name];
      token = await this.system.token({ sub: p.sub, party: p.party, partyType: p.partyType, roles: p.roles });
      this.tokens.set(name, token);
    }
    return call(method, `${this.system.url('inventory')}${path}`, token, body);
  }

  /** A fresh RequestID from this party's user to the device. */
  requestId(name: PartyName, deviceId: string): string {
    return `${PARTIES[name].sub}:${deviceId}:${++this.counter}`;
  }

  preNotify(name: PartyName, deviceId: string, details: Record<string, unknown> = ESME_DETAILS, requestId = this.requestId(name, deviceId)) {
    return this.as(name, 'POST', '/service-requests/12.2', { requestId, deviceId, ...details });
  }

  update(name: PartyName, deviceId: string, changes: Record<string, unknown>, requestId = this.requestId(name, deviceId)) {
    return this.as(name, 'POST', '/service-requests/8.4', { requestId, deviceId, changes });
  }

  status(deviceId: string, status: string, reason = 'reported by the DSP') {
    return this.as('dsp', 'POST', `/devices/${deviceId}/status`, { status, reason });
  }

  changeSupplier(deviceId: string, to: PartyName, effectiveFrom = '2024-06-01') {
    return this.as('dsp', 'POST', `/devices/${deviceId}/responsible-supplier`, { supplierPartyId: PARTIES[to].party, supplierUserId: PARTIES[to].sub, effectiveFrom });
  }
}
