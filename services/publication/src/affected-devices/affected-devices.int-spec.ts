import { PARTY_TYPES, PartyType } from '@smi/auth';
import { CanonicalDevice } from '@smi/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  devicePreNotified,
  DeviceDetails,
  deviceStatusChanged,
  deviceStream,
  esmeVariantChecked,
  esmeVariantCheckRequired,
  esmeVariantCorrected,
  inventoryUpdated,
  InventoryTopic,
  responsibleSupplierChanged,
  serviceRequestRefused,
} from '../test-support/inventory-events';
import { PublicationTestApp, publicationTokens, startPublicationTestApp } from '../test-support/publication-test-app';
import { deadLettered, publicationSettled, rebuildProjections } from '../test-support/publication-waits';
import {
  caseStream,
  itemContent,
  ItemContent,
  makeAdded,
  makeStream,
  modelAdded,
  publishedItemCase,
  VerificationTopic,
  verifiedItemCase,
} from '../test-support/verification-events';

/**
 * Affected devices end to end inside the service: verification's and the inventory's events produced to the test
 * topics in their contracts' shapes, copied into publication's store, projected, matched over HTTP.
 */

const NW = randomUUID();
const NW_E470 = randomUUID();
const ACME = randomUUID();
const ACME_X1 = randomUUID();
const HD = randomUUID();
const HD_IHD9 = randomUUID();
const northwind: CanonicalDevice = { makeId: NW, make: 'Northwind Metering', manufacturerId: '1A2B', modelId: NW_E470, model: 'NW-E470', smiModelId: '0000E470' };
const acme: CanonicalDevice = { makeId: ACME, make: 'Acme Meters', manufacturerId: '10A3', modelId: ACME_X1, model: 'X1', smiModelId: '00050203' };
const homeDisplay: CanonicalDevice = { makeId: HD, make: 'Home Display Co', manufacturerId: '0E0E', modelId: HD_IHD9, model: 'IHD-9', smiModelId: '0000E009' };

const P1 = randomUUID(); // Northwind E470 38040404, Identifier 42, fix information that a spreadsheet would run
const P2 = randomUUID(); // Northwind E470 38040404, Identifier 43
const P3 = randomUUID(); // Acme X1 38041111
const U = randomUUID(); // Home Display IHD-9 0000AAAA: verified, no fix, never published

const EVIL = '=HYPERLINK("http://evil.example","open me"),+1';
const contentP1 = itemContent({ identifier: '42', fixInformation: EVIL });
const contentP2 = itemContent({ identifier: '43', fixInformation: 'Upgrade to 38040405' });
const contentP3 = itemContent({ identifier: '7', make: 'Acme Meters', model: 'X1', firmwareVersion: '38041111', deviceType: 'GSME', fixInformation: 'Replace the battery pack' });
const contentU = itemContent({ identifier: '9', make: 'Home Display Co', model: 'IHD-9', firmwareVersion: '0000AAAA', deviceType: 'IHD', fixAvailable: false, fixInformation: null });

const A = 'SUPPLIER-A';
const B = 'SUPPLIER-B';
const esme = (firmwareVersion: string): DeviceDetails => ({ deviceType: 'ESME', manufacturer: '1A2B', model: '0000E470', firmwareVersion });
const device = (n: number) => `00-DB-12-34-56-78-90-${n.toString(16).toUpperCase().padStart(2, '0')}`;

const dA1 = device(0xa1); // A, Commissioned, matches P1 and P2
const dA2 = device(0xa2); // A, Pending, matches
const dA3 = device(0xa3); // A, another firmware: no match
const dA4 = device(0xa4); // A, matches but Decommissioned: not counted
const dA5 = device(0xa5); // A, Acme GSME: matches P3
const dA6 = device(0xa6); // A, Home Display IHD: would match the unpublished U only
const dA7 = device(0xa7); // A, firmware updated to a matching one
const dA8 = device(0xa8); // A, firmware upgraded away from a matching one
const dA9 = device(0xa9); // A, matches; B's refused update changes nothing
const dB1 = device(0xb1); // B, matches P1 and P2
const dMove = device(0xc1); // A's, then B's after a Change of Supplier

type Page = { supplier: string | null; items: Array<{ item: Record<string, unknown> & { id: string }; devices: number }>; nextCursor: string | null };

describe('affected devices: a supplier’s devices that match published items (real PostgreSQL and Kafka)', () => {
  let publication: PublicationTestApp;
  let db: DataSource;
  let verification: VerificationTopic;
  let inventory: InventoryTopic;
  let tokens: Record<PartyType, string>;
  let supplierB: string;
  let registrar: string;
  let operator: string;
  /** Every body answered to a supplier: nothing of U may appear in any of them. */
  const supplierBodies: string[] = [];

  const call = async (method: string, path: string, token: string) => {
    const answer = await publication.call(method, path, token);
    if (token !== tokens.dcc) supplierBodies.push(JSON.stringify(answer.body ?? ''));
    return answer;
  };
  const affected = async (token: string, query = ''): Promise<Page> => {
    const answer = await call('GET', `/affected-devices${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body as Page;
  };
  const counts = (page: Page) => page.items.map((entry) => [entry.item.id, entry.devices]);
  const download = async (path: string, token: string) => {
    const response = await fetch(`${publication.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (token !== tokens.dcc) supplierBodies.push(text);
    return { status: response.status, headers: response.headers, text };
  };
  const settled = () => publicationSettled(publication, tokens.dcc, { verification, inventory });

  const publish = (caseId: string, content: ItemContent, canonical: CanonicalDevice, fixingFirmwareVersion: string | null = null) =>
    verification.send(caseStream(caseId), publishedItemCase(caseId, content, canonical, fixingFirmwareVersion));

  beforeAll(async () => {
    publication = await startPublicationTestApp('affected-devices');
    db = publication.app.get(DataSource);
    verification = new VerificationTopic(publication.topicPrefix);
    inventory = new InventoryTopic(publication.topicPrefix);
    ({ byPartyType: tokens, registrar, operator } = await publicationTokens(publication, { supplier: A }));
    supplierB = await publication.token({ party: B, partyType: 'supplier' });

    await verification.send(makeStream(NW), [makeAdded(NW, 'Northwind Metering', [], '1A2B'), modelAdded(NW, NW_E470, 'NW-E470', [], '0000E470')]);
    await verification.send(makeStream(ACME), [makeAdded(ACME, 'Acme Meters', [], '10A3'), modelAdded(ACME, ACME_X1, 'X1', [], '00050203')]);
    await verification.send(makeStream(HD), [makeAdded(HD, 'Home Display Co', [], '0E0E'), modelAdded(HD, HD_IHD9, 'IHD-9', [], '0000E009')]);
    await publish(P1, contentP1, northwind, '38040405');
    await publish(P2, contentP2, northwind);
    await publish(P3, contentP3, acme);
    await verification.send(caseStream(U), verifiedItemCase(U, contentU, homeDisplay));

    await inventory.send(deviceStream(dA1), [devicePreNotified(dA1, A, esme('38040404')), deviceStatusChanged(dA1, 'Pending', 'Commissioned'), esmeVariantCorrected(dA1, A, 'Commissioned')]);
    await inventory.send(deviceStream(dA2), [devicePreNotified(dA2, A, esme('38040404'))]);
    await inventory.send(deviceStream(dA3), [devicePreNotified(dA3, A, esme('38040405'))]);
    await inventory.send(deviceStream(dA4), [
      devicePreNotified(dA4, A, esme('38040404')),
      deviceStatusChanged(dA4, 'Pending', 'Commissioned'),
      deviceStatusChanged(dA4, 'Commissioned', 'Decommissioned'),
    ]);
    await inventory.send(deviceStream(dA5), [devicePreNotified(dA5, A, { deviceType: 'GSME', manufacturer: '10A3', model: '00050203', firmwareVersion: '38041111' })]);
    await inventory.send(deviceStream(dA6), [devicePreNotified(dA6, A, { deviceType: 'IHD', manufacturer: '0E0E', model: '0000E009', firmwareVersion: '0000AAAA' })]);
    await inventory.send(deviceStream(dA7), [devicePreNotified(dA7, A, esme('38040403')), inventoryUpdated(dA7, A, { firmwareVersion: '38040404' }, { firmwareVersion: '38040403' }, 'Pending')]);
    await inventory.send(deviceStream(dA8), [devicePreNotified(dA8, A, esme('38040404')), inventoryUpdated(dA8, A, { firmwareVersion: '38040405' }, { firmwareVersion: '38040404' }, 'Pending')]);
    await inventory.send(deviceStream(dA9), [devicePreNotified(dA9, A, esme('38040404')), serviceRequestRefused(dA9, B, { firmwareVersion: '38040405' }, 'Pending')]);
    await inventory.send(deviceStream(dB1), [devicePreNotified(dB1, B, esme('38040404'))]);
    await inventory.send(deviceStream(dMove), [devicePreNotified(dMove, A, esme('38040404'))]);
    await settled();
  }, 120_000);

  afterAll(async () => {
    await verification?.close();
    await inventory?.close();
    await publication?.stop();
  });

  it('counts a supplier’s own devices in service per published item, in the neutral order, and no other supplier’s', async () => {
    const page = await affected(tokens.supplier);
    expect(page.supplier).toBe(A);
    // Acme before Northwind; 42 before 43. dA1, dA2, dA7, dA9, dMove on Northwind; dA5 on Acme.
    expect(counts(page)).toEqual([
      [P3, 1],
      [P1, 5],
      [P2, 5],
    ]);
    expect(Object.keys(page)).toEqual(['supplier', 'items', 'nextCursor']);
    expect(Object.keys(page.items[0])).toEqual(['item', 'devices']);
    expect(page.items[1].item).toMatchObject({ identifier: '42', manufacturerId: '1A2B', smiModelId: '0000E470', firmwareVersion: '38040404', fixingFirmwareVersion: '38040405', fixInformation: EVIL });
    expect(JSON.stringify(page)).not.toMatch(/"(rank|ranking|score|relevance|total|facets?|recommended)"/i);
    expect(counts(await affected(supplierB))).toEqual([
      [P1, 1],
      [P2, 1],
    ]);
  });

  it('lets DCC ask for any one supplier, or every supplier', async () => {
    expect(counts(await affected(tokens.dcc, `?supplier=${A}`))).toEqual(counts(await affected(tokens.supplier)));
    const all = await affected(tokens.dcc);
    expect(all.supplier).toBeNull();
    expect(counts(all)).toEqual([
      [P3, 1],
      [P1, 6],
      [P2, 6],
    ]);
    expect(counts(await affected(tokens.dcc, '?supplier=NOBODY'))).toEqual([]);
  });

  it('pages the items by the neutral order and an item’s devices by Device ID', async () => {
    const first = await affected(tokens.supplier, '?limit=2');
    expect(counts(first)).toEqual([
      [P3, 1],
      [P1, 5],
    ]);
    expect(counts(await affected(tokens.supplier, `?limit=2&cursor=${first.nextCursor}`))).toEqual([[P2, 5]]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await call('GET', `/affected-devices/${P1}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tokens.supplier);
      expect(answer.status).toBe(200);
      const page = answer.body as { supplier: string; item: { id: string }; devices: Array<{ deviceId: string; responsibleSupplier: string }>; nextCursor: string | null };
      expect(page.item.id).toBe(P1);
      expect(page.devices.every((d) => d.responsibleSupplier === A)).toBe(true);
      seen.push(...page.devices.map((d) => d.deviceId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([dA1, dA2, dA7, dA9, dMove]);
    const one = (await call('GET', `/affected-devices/${P3}`, tokens.supplier)).body as { devices: unknown[] };
    expect(one.devices).toEqual([{ deviceId: dA5, deviceType: 'GSME', status: 'Pending', responsibleSupplier: A, manufacturerId: '10A3', modelId: '00050203', firmwareVersion: '38041111' }]);
  });

  it('moves a device with a Change of Supplier: the gaining supplier sees it, the losing one no longer does', async () => {
    // The inventory's variant check events come with a Change of Supplier of an ESME: they change nothing here and are passed over.
    await inventory.send(deviceStream(dMove), [responsibleSupplierChanged(dMove, A, B), esmeVariantCheckRequired(dMove, A, B), esmeVariantChecked(dMove, B)]);
    await settled();
    expect(counts(await affected(tokens.supplier))).toEqual([
      [P3, 1],
      [P1, 4],
      [P2, 4],
    ]);
    expect(counts(await affected(supplierB))).toEqual([
      [P1, 2],
      [P2, 2],
    ]);
    const devicesOfB = (await call('GET', `/affected-devices/${P1}`, supplierB)).body as { devices: Array<{ deviceId: string }> };
    expect(devicesOfB.devices.map((d) => d.deviceId)).toEqual([dB1, dMove]);
    const devicesOfA = (await call('GET', `/affected-devices/${P1}`, tokens.supplier)).body as { devices: Array<{ deviceId: string }> };
    expect(devicesOfA.devices.map((d) => d.deviceId)).toEqual([dA1, dA2, dA7, dA9]);
  });

  it('downloads the devices as CSV, one line per device and item, every formula cell neutralised', async () => {
    const csv = await download('/affected-devices.csv', tokens.supplier);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="affected-devices-${A}.csv"`);
    const lines = csv.text.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(
      'Device ID,Device Type,SMI Status,Responsible Supplier,Manufacturer ID,Model ID,Firmware Version,Item ID,Identifier,Make,Model,Status of Information,Fix Available,Fixing Firmware Version,Fix Information,Description',
    );
    const rows = lines.slice(1);
    expect(rows.map((line) => [line.slice(0, 23), line.split(',')[7]])).toEqual([
      [dA5, P3],
      ...[dA1, dA2, dA7, dA9].map((d) => [d, P1]),
      ...[dA1, dA2, dA7, dA9].map((d) => [d, P2]),
    ]);
    expect(rows[1]).toBe(`${dA1},ESME,Commissioned,${A},1A2B,0000E470,38040404,${P1},42,Northwind Metering,NW-E470,Defect,Yes,38040405,"'=HYPERLINK(""http://evil.example"",""open me""),+1",`);
    // The same list by ?format=csv; DCC's of every supplier names each device's supplier.
    expect((await download('/affected-devices?format=csv', tokens.supplier)).text).toBe(csv.text);
    const all = await download('/affected-devices.csv', tokens.dcc);
    expect(all.headers.get('content-disposition')).toBe('attachment; filename="affected-devices-all-suppliers.csv"');
    expect(all.text.split('\r\n').filter((line) => line.startsWith(dMove))).toEqual([expect.stringContaining(`,${B},`), expect.stringContaining(`,${B},`)]);
    expect(all.text.split('\r\n')).toHaveLength(1 + 1 + 6 + 6 + 1);
  });

  it('never matches an item that is not published, for anyone, by any route', async () => {
    for (const token of [tokens.supplier, tokens.dcc]) {
      const unpublished = await call('GET', `/affected-devices/${U}`, token);
      const never = await call('GET', `/affected-devices/${randomUUID()}`, token);
      expect(unpublished.status).toBe(404);
      expect(unpublished.body).toEqual(never.body);
      expect(JSON.stringify((await affected(token)).items)).not.toContain(U);
      expect((await download('/affected-devices.csv', token)).text).not.toContain(dA6);
    }
    for (const body of supplierBodies) {
      expect(body).not.toContain(U);
      expect(body).not.toContain('0000AAAA');
    }
  });

  it('refuses another supplier’s devices to a supplier, and what it cannot read with 400 naming it', async () => {
    const other = await call('GET', `/affected-devices?supplier=${B}`, tokens.supplier);
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'FORBIDDEN_OTHER_SUPPLIER', details: { field: 'supplier' } });
    expect((await call('GET', `/affected-devices/${P1}?supplier=${B}`, tokens.supplier)).status).toBe(403);
    expect((await download(`/affected-devices.csv?supplier=${B}`, tokens.supplier)).status).toBe(403);
    const refused: Array<[string, string]> = [
      ['/affected-devices?supplier=not%20a%20party', 'supplier'],
      ['/affected-devices?format=xml', 'format'],
      ['/affected-devices?format=csv&limit=5', 'limit'],
      ['/affected-devices?format=csv&cursor=abc', 'cursor'],
      ['/affected-devices?cursor=not-a-cursor', 'cursor'],
      ['/affected-devices?limit=0', 'limit'],
      ['/affected-devices?colour=red', 'colour'],
      ['/affected-devices.csv?format=csv', 'format'],
      [`/affected-devices/${P1}?cursor=${Buffer.from(JSON.stringify(['not-a-device'])).toString('base64url')}`, 'cursor'],
      [`/affected-devices/${P1}?limit=1001`, 'limit'],
      ['/affected-devices/not%20an%20id', 'id'],
    ];
    for (const [path, field] of refused) {
      const answer = await call('GET', path, tokens.dcc);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      const body = answer.body as { errors?: Array<{ field: string }>; details?: { field: string } };
      expect({ path, named: body.errors?.some((e) => e.field === field) || body.details?.field === field }).toEqual({ path, named: true });
    }
  });

  it('answers every endpoint to every party type: suppliers and DCC only, network parties not even once DCC adds them', async () => {
    expect((await publication.call('PUT', '/access/network-parties/NETWORK-1', registrar)).status).toBe(200);
    const expected: Record<PartyType, number> = { dcc: 200, supplier: 200, manufacturer: 403, csp: 403, network: 403, dsp: 403, secas: 403 };
    for (const path of ['/affected-devices', '/affected-devices?format=csv', '/affected-devices.csv', `/affected-devices/${P1}`]) {
      const actual: Record<string, number> = {};
      for (const partyType of PARTY_TYPES) actual[partyType] = (await download(path, tokens[partyType])).status;
      expect({ path, actual }).toEqual({ path, actual: expected });
    }
  });

  it('copies only the device events and rebuilds the device read model from them to the same rows', async () => {
    const copied: Array<{ event_type: string; count: number }> = await db.query(
      `SELECT event_type, count(*)::int AS count FROM events WHERE stream_id LIKE 'inventory-device-%' GROUP BY event_type ORDER BY event_type`,
    );
    expect(copied.map((c) => c.event_type)).toEqual(['DevicePreNotified', 'DeviceStatusChanged', 'EsmeVariantCorrected', 'InventoryUpdated', 'ResponsibleSupplierChanged']);
    const snapshot = () => db.query(`SELECT * FROM inventory_devices ORDER BY device_id`);
    const before = await snapshot();
    expect(before).toHaveLength(11);
    expect(before.find((row: { device_id: string }) => row.device_id === dA9)).toMatchObject({ firmware_version: '38040404', responsible_supplier: A });
    await rebuildProjections(publication, ['inventory_devices'], { dcc: tokens.dcc, operator });
    expect(await snapshot()).toEqual(before);
  });

  it('sends an event that breaks the inventory’s contract to the dead-letter topic, copies nothing of it, and goes on', async () => {
    const [template] = inventory.sent;
    const broken = device(0xee);
    await inventory.resend([
      { key: deviceStream(broken), value: JSON.stringify({ deviceId: broken, manufacturer: 'not hex' }), headers: { ...template.headers, ce_id: randomUUID(), ce_type: 'DevicePreNotified', ce_subject: deviceStream(broken) } },
    ]);
    await deadLettered(publication, 'publication.inventory-feed');
    const after = device(0xa0);
    await inventory.send(deviceStream(after), [devicePreNotified(after, A, esme('38041111'))]);
    await settled();
    expect(await db.query(`SELECT 1 FROM events WHERE stream_id = $1`, [`inventory-device-${broken}`])).toEqual([]);
    expect(await db.query(`SELECT device_id FROM inventory_devices WHERE device_id = $1`, [after])).toEqual([{ device_id: after }]);
  });
});
