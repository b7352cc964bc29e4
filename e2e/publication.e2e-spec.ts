import { SUBMISSION_COLUMNS } from '@smi/contracts';
import * as ExcelJS from 'exceljs';
import { waitFor } from '@smi/testing';
import { ESME_DETAILS, InventoryClient, PARTIES } from './support/inventory';
import { call, TestSystem } from './support/system';

interface Defect {
  id: string;
  identifier: string | null;
  make: string;
  firmwareVersion: string;
  fixAvailable: boolean;
  published?: boolean;
}

const csv = (...rows: string[][]) => [SUBMISSION_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

/**
 * The defects database as its readers meet it, over real Kafka and PostgreSQL: a manufacturer's file is
 * verified on the verification service and reaches publication through verification.events. A supplier finds
 * the fixed item by firmware alone, by a Device Model Combination check and among its devices in the inventory
 * (inventory.events); the unfixed one is DCC's only, by every route; a network party sees nothing until DCC adds
 * it, and nothing again once removed.
 */
describe('publication: from a provider file to the searchable database', () => {
  const system = new TestSystem();
  let intake: string;
  let verification: string;
  let publication: string;
  const t: Record<string, string> = {};
  const caseOf: Record<string, string> = {};

  beforeAll(async () => {
    await system.start(['intake', 'verification', 'publication', 'inventory']);
    intake = system.url('intake');
    verification = system.url('verification');
    publication = system.url('publication');
    t.admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    t.verifier = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    t.manufacturer = await system.token({ party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    t.supplier = await system.token({ party: 'SUP-A', partyType: 'supplier' });
    t.network = await system.token({ party: 'NET-ED-1', partyType: 'network' });
    t.secas = await system.token({ party: 'SECAS', partyType: 'secas' });
    t.dsp = await system.token({ party: 'DSP', partyType: 'dsp' });
    expect(
      (await call('POST', `${intake}/parties`, t.admin, { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] }))
        .status,
    ).toBe(201);
    const make = await call('POST', `${verification}/catalogue/makes`, t.verifier, { name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1A2B' });
    const makeId = (make.body as { makeId: string }).makeId;
    expect((await call('POST', `${verification}/catalogue/makes/${makeId}/models`, t.verifier, { name: 'NW-E470', aliases: ['E470'], smiModelId: '0000E470' })).status).toBe(201);

    const form = new FormData();
    form.append(
      'file',
      new Blob([
        csv(
          ['5001', 'Northwind Metering', 'NW-E470', '3804040A', 'ESME', 'Device Manufacturer', 'Fix', '2026-03-14', 'Yes', '=1+1 then upgrade to 3804040B'],
          ['5002', 'Northwind Metering', 'NW-E470', '3804040A', 'ESME', 'Device Manufacturer', 'Defect', '2026-03-14', 'No', ''],
        ),
      ]),
      'northwind.csv',
    );
    expect((await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${t.manufacturer}` }, body: form })).status).toBe(201);

    // DCC verifies both: the fixed row is publishable at once (its manufacturer's own declaration and fix), the other is not.
    const cases = await waitFor(async () => {
      const page = (await call('GET', `${verification}/cases?provider=MFR-NORTHWIND`, t.verifier)).body as { cases: Array<{ caseId: string; subject: { identifier: string } }> };
      return page.cases.length === 2 ? page.cases : undefined;
    }, 60_000, 'two cases');
    for (const c of cases) {
      caseOf[c.subject.identifier] = c.caseId;
      expect((await call('POST', `${verification}/cases/${c.caseId}/claim`, t.verifier)).status).toBe(200);
      const verified = await call('POST', `${verification}/cases/${c.caseId}/verification`, t.verifier, { checks: { data: true, fixReference: true, presentation: true } });
      expect(verified).toMatchObject({ status: 200, body: { state: 'verified' } });
    }
  });

  afterAll(async () => {
    await system.stop();
  });

  const p = (path: string, token: string) => call('GET', `${publication}${path}`, token);
  const search = async (query: string, token: string) => ((await p(`/defects?${query}`, token)).body as { items: Defect[] }).items;

  it('lets a supplier find the fixed item by firmware alone, and by make alias and model', async () => {
    const found = await waitFor(async () => {
      const items = await search('firmwareVersion=3804*', t.supplier);
      return items.length > 0 ? items : undefined;
    }, 60_000, 'the published item in search');
    expect(found.map((d) => [d.identifier, d.make, d.fixAvailable])).toEqual([['5001', 'Northwind Metering', true]]);
    expect((await search('make=nw%20metering&model=e470&firmwareVersion=3804040a', t.supplier)).map((d) => d.identifier)).toEqual(['5001']);
    expect((await search('firmwareVersion=3804040A', t.secas)).map((d) => d.identifier)).toEqual(['5001']);
  });

  it('shows the unfixed item to DCC, marked, and to nobody else by any route', async () => {
    const dcc = await waitFor(async () => {
      const items = await search('firmwareVersion=3804040A', t.verifier);
      return items.length === 2 ? items : undefined;
    }, 60_000, 'both items for DCC');
    expect(dcc.map((d) => [d.identifier, d.published])).toEqual([
      ['5001', true],
      ['5002', false],
    ]);
    const unfixed = caseOf['5002'];
    for (const token of [t.supplier, t.manufacturer, t.secas]) {
      expect((await p(`/defects/${unfixed}`, token)).status).toBe(404);
      expect(JSON.stringify((await p('/defects?firmwareVersion=3804040A', token)).body)).not.toContain('5002');
      expect(JSON.stringify((await p('/changes', token)).body)).not.toContain(unfixed);
    }
    expect((await p(`/defects/${unfixed}`, t.verifier)).status).toBe(200);
    expect((await p('/defects', t.dsp)).status).toBe(403);
  });

  it('answers a supplier’s Device Model Combination check and lists its own affected devices from the inventory, the unfixed item in neither', async () => {
    const inventory = new InventoryClient(system);
    const northwind = { ...ESME_DETAILS, manufacturer: '1A2B', model: '0000E470' };
    const [mine, upgraded, theirs] = ['00-DB-12-34-56-78-E2-01', '00-DB-12-34-56-78-E2-02', '00-DB-12-34-56-78-E2-03'];
    for (const [supplier, deviceId, firmwareVersion] of [
      ['supplierA', mine, '3804040A'],
      ['supplierA', upgraded, '3804040B'],
      ['supplierB', theirs, '3804040A'],
    ] as const) {
      const answer = await inventory.preNotify(supplier, deviceId, { ...northwind, firmwareVersion });
      expect([answer.status, (answer.body as { responseCode: string }).responseCode]).toEqual([200, 'I0']);
    }
    const supplierA = await system.token({ party: PARTIES.supplierA.party, partyType: 'supplier' });
    const supplierB = await system.token({ party: PARTIES.supplierB.party, partyType: 'supplier' });
    type Affected = { items: Array<{ item: Defect; devices: number }> };
    // Devices reach publication over several partitions: DCC's count over every supplier says when both matching ones have.
    await waitFor(async () => {
      const page = (await p('/affected-devices', t.verifier)).body as Affected;
      return page.items.length === 1 && page.items[0].devices === 2 ? true : undefined;
    }, 60_000, 'both matching devices in publication');
    const affected = ((await p('/affected-devices', supplierA)).body as Affected).items;
    expect(affected.map((a) => [a.item.identifier, a.devices])).toEqual([['5001', 1]]);
    expect(((await p('/affected-devices', supplierB)).body as Affected).items.map((a) => [a.item.identifier, a.devices])).toEqual([['5001', 1]]);
    const download = await fetch(`${publication}/affected-devices.csv`, { headers: { authorization: `Bearer ${supplierA}` } });
    const lines = (await download.text()).split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    expect(lines[1].startsWith(`${mine},ESME,Pending,SUPPLIER-A,1A2B,0000E470,3804040A,${caseOf['5001']},5001,`)).toBe(true);
    expect(lines[1]).toContain(`'=1+1 then upgrade to 3804040B`);

    const members = [{ deviceType: 'ESME', make: 'NW Metering', model: 'E470', firmwareVersion: '3804040a' }];
    const check = async (token: string, includeUnpublished?: boolean) =>
      (await call('POST', `${publication}/defects/dmc-check`, token, { members, ...(includeUnpublished ? { includeUnpublished } : {}) })).body as {
        members: Array<{ affected: boolean; fixAvailable: boolean; items: Defect[] }>;
      };
    const forSupplier = await check(supplierA);
    expect(forSupplier.members.map((m) => [m.affected, m.fixAvailable, m.items.map((d) => d.identifier)])).toEqual([[true, true, ['5001']]]);
    const forDcc = await check(t.verifier, true);
    expect(forDcc.members[0].items.map((d) => [d.identifier, d.published])).toEqual([
      ['5001', true],
      ['5002', false],
    ]);
    expect(JSON.stringify([affected, lines, forSupplier])).not.toContain(caseOf['5002']);
  });

  it('lets a network party in only while DCC has added it', async () => {
    expect((await p('/defects?firmwareVersion=3804*', t.network)).status).toBe(403);
    expect((await call('PUT', `${publication}/access/network-parties/NET-ED-1`, t.admin)).status).toBe(200);
    const seen = await waitFor(async () => {
      const response = await p('/defects?firmwareVersion=3804*', t.network);
      return response.status === 200 ? (response.body as { items: Defect[] }).items : undefined;
    }, 30_000, 'the network party let in');
    expect(seen.map((d) => d.identifier)).toEqual(['5001']);
    expect((await call('DELETE', `${publication}/access/network-parties/NET-ED-1`, t.admin)).status).toBe(200);
    expect((await waitFor(async () => ((await p('/defects', t.network)).status === 403 ? true : undefined), 30_000, 'the network party shut out'))).toBe(true);
  });

  it('cuts releases 1 and 2, diffs them, names the provider who did not supply data, and neutralises formulas in the XLSX', async () => {
    // A provider asked for data due this quarter and not yet supplied: the current quarter's cover sheet names it.
    expect((await call('POST', `${intake}/parties`, t.admin, { partyId: 'MFR-SOUTHWIND', name: 'Southwind Meters plc', partyType: 'manufacturer', makes: ['Southwind'] })).status).toBe(201);
    // The London date, as intake and publication read today.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    expect((await call('POST', `${intake}/data-requests`, t.admin, { providerPartyId: 'MFR-SOUTHWIND', agreedDeliveryDate: today })).status).toBe(201);
    const [year, month] = today.split('-').map(Number);
    const quarter = Math.ceil(month / 3);
    const thisQuarter = `${year}-Q${quarter}`;
    const lastQuarter = quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;

    const first = await call('POST', `${publication}/releases`, t.admin, { label: lastQuarter });
    expect(first).toMatchObject({ status: 201, body: { number: 1, label: lastQuarter } });

    // Between the two cuts, the manufacturer declares another fixed item and DCC verifies it.
    const form = new FormData();
    form.append('file', new Blob([csv(['5003', 'Northwind Metering', 'NW-E470', '3804040C', 'ESME', 'Device Manufacturer', 'Fix', '2026-03-20', 'Yes', 'Upgrade to 3804040D'])]), 'more.csv');
    expect((await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${t.manufacturer}` }, body: form })).status).toBe(201);
    const added = await waitFor(async () => {
      const page = (await call('GET', `${verification}/cases?provider=MFR-NORTHWIND&state=queued`, t.verifier)).body as { cases: Array<{ caseId: string }> };
      return page.cases[0];
    }, 60_000, 'the new item’s case');
    await call('POST', `${verification}/cases/${added.caseId}/claim`, t.verifier);
    expect((await call('POST', `${verification}/cases/${added.caseId}/verification`, t.verifier, { checks: { data: true, fixReference: true, presentation: true } })).status).toBe(200);
    await waitFor(async () => ((await search('firmwareVersion=3804040C', t.supplier)).length === 1 ? true : undefined), 60_000, 'the new item published');

    const second = await call('POST', `${publication}/releases`, t.admin, { label: thisQuarter });
    expect(second).toMatchObject({ status: 201, body: { number: 2, label: thisQuarter, previousRelease: 1 } });
    const diff = (await call('GET', `${publication}/releases/2/diff?from=1&edition=public`, t.secas)).body as { added: Defect[]; changed: unknown[]; removed: unknown[] };
    expect(diff.added.map((d) => d.identifier)).toEqual(['5003']);
    expect(diff.changed).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect((await call('GET', `${publication}/releases/2`, t.supplier)).status).toBe(403);
    expect((await call('GET', `${publication}/releases/2/download?edition=dcc&format=csv`, t.secas)).status).toBe(403);

    const xlsx = await fetch(`${publication}/releases/2/download?edition=public&format=xlsx`, { headers: { authorization: `Bearer ${t.secas}` } });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Cover', 'Items']);
    const cells = (sheet: ExcelJS.Worksheet) => {
      const values: ExcelJS.CellValue[] = [];
      sheet.eachRow((row) => row.eachCell((cell) => values.push(cell.value)));
      return values;
    };
    expect(cells(workbook.getWorksheet('Cover')!)).toEqual(expect.arrayContaining([thisQuarter, 'MFR-SOUTHWIND', 'Southwind Meters plc']));
    const items = cells(workbook.getWorksheet('Items')!);
    expect(items).toEqual(expect.arrayContaining(['5001', '5003', "'=1+1 then upgrade to 3804040B"]));
    expect(items).not.toContain('5002');
    expect(items.some((value) => typeof value === 'object' && value !== null && 'formula' in value)).toBe(false);

    const dccCsv = await (await fetch(`${publication}/releases/2/download?edition=dcc&format=csv`, { headers: { authorization: `Bearer ${t.admin}` } })).text();
    expect(dccCsv.split('\r\n')[0]).toBe(SUBMISSION_COLUMNS.join(','));
    expect(dccCsv).toContain('5002,');
  });
});
