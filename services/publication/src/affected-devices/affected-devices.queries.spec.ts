import { Actor, PartyType } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { ForbiddenException } from '@nestjs/common';
import { affectedItemsPlan, itemDevicesPlan } from './affected-devices.queries';
import { deviceScope } from './device-scope';
import { IN_SERVICE_STATUSES } from './inventory-device';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('matching devices with published items', () => {
  it('matches on the catalogue’s hex ids and the firmware key, against published items only, for one supplier’s devices in service', () => {
    const plan = affectedItemsPlan('SUPPLIER-A', undefined, 50);
    const sql = squash(plan.sql);
    expect(sql).toContain(
      'FROM published_items i WHERE i.manufacturer_id = m.manufacturer_id AND i.smi_model_id = m.model_id AND i.firmware_key = m.firmware_key OFFSET 0) p',
    );
    expect(sql).toContain('WHERE d.status = ANY($1::text[]) AND d.firmware_key IS NOT NULL AND d.responsible_supplier = $2');
    expect(sql).not.toMatch(/dcc_items/);
    expect(plan.params).toEqual([IN_SERVICE_STATUSES, 'SUPPLIER-A', 51]);
  });

  it('orders items in the neutral order, never by how many devices they match, and continues after a cursor', () => {
    const plan = affectedItemsPlan(null, ['acme', 'x1', '3804', '7', 'c1'], 10);
    const sql = squash(plan.sql);
    expect(sql).toMatch(/ORDER BY p\.sort_make, p\.sort_model, p\.sort_firmware, p\.sort_identifier, p\.case_id LIMIT \$7$/);
    expect(sql).toContain('(p.sort_make, p.sort_model, p.sort_firmware, p.sort_identifier, p.case_id) > ($2::text, $3::text, $4::text, $5::bigint, $6::text)');
    // Every supplier's devices: no supplier filter.
    expect(sql).not.toContain('responsible_supplier');
    expect(sql).not.toMatch(/ORDER BY[^)]*devices/);
  });

  it('pages one item’s devices by Device ID, on the item’s hex ids and firmware key', () => {
    const plan = itemDevicesPlan({ manufacturer_id: '1A2B', smi_model_id: '0000E470', firmware_key: '38040404' }, 'SUPPLIER-A', '00-DB-12-34-56-78-90-A1', 100);
    expect(squash(plan.sql)).toBe(
      'SELECT device_id, device_type, status, responsible_supplier, manufacturer_id, model_id, firmware_version FROM inventory_devices ' +
        'WHERE manufacturer_id = $1 AND model_id = $2 AND firmware_key = $3 AND status = ANY($4::text[]) AND responsible_supplier = $5 AND device_id > $6 ORDER BY device_id LIMIT $7',
    );
    expect(plan.params).toEqual(['1A2B', '0000E470', '38040404', IN_SERVICE_STATUSES, 'SUPPLIER-A', '00-DB-12-34-56-78-90-A1', 101]);
  });
});

describe('whose devices a caller sees', () => {
  const actor = (partyType: PartyType, partyId: string): Actor => ({ userId: 'u', partyId, partyType, roles: [] });

  it('gives a supplier its own devices, whether it names itself or nobody, and refuses another supplier by name', () => {
    expect(deviceScope(actor('supplier', 'SUPPLIER-A'), undefined)).toBe('SUPPLIER-A');
    expect(deviceScope(actor('supplier', 'SUPPLIER-A'), 'SUPPLIER-A')).toBe('SUPPLIER-A');
    expect(() => deviceScope(actor('supplier', 'SUPPLIER-A'), 'SUPPLIER-B')).toThrow(DomainError);
  });

  it('gives DCC any supplier, or every supplier', () => {
    expect(deviceScope(actor('dcc', 'DCC'), 'SUPPLIER-B')).toBe('SUPPLIER-B');
    expect(deviceScope(actor('dcc', 'DCC'), undefined)).toBeNull();
  });

  it('refuses every other party type', () => {
    for (const partyType of ['manufacturer', 'csp', 'secas', 'network', 'dsp'] as const) expect(() => deviceScope(actor(partyType, 'X'), undefined)).toThrow(ForbiddenException);
  });
});
