import { SUBMISSION_COLUMNS } from '@smi/contracts';
import { waitFor } from '@smi/testing';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { ESME_DETAILS, InventoryClient, PARTIES } from './support/inventory';
import { call, TestSystem } from './support/system';

/** Every page the tests visit is saved here (git-ignored), for people to look at. */
const SCREENSHOTS = join(__dirname, '.screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DEVICE = '00-DB-12-34-56-78-C0-01';
const XSS = '<img src=x onerror="window.__xss=1">';

const csv = (...rows: string[][]) => [SUBMISSION_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

/**
 * The operator console in Debian's chromium, over the compiled services, the console host, the real broker
 * and database: data seeded through the APIs (a manufacturer's file and a supplier's report flowing from intake
 * to verification cases, a device pre-notified and corrected by SR8.4 in the inventory), then every page driven
 * as a DCC verifier and as a supplier, as a person would.
 */
describe('operator console in a real browser', () => {
  const system = new TestSystem();
  const lonely = new TestSystem();
  let browser: Browser;
  let consoleUrl: string;
  const t: Record<string, string> = {};
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await system.start(['intake', 'verification', 'publication', 'inventory']);
    await system.startConsole();
    consoleUrl = system.url('console');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const intake = system.url('intake');
    const verification = system.url('verification');
    t.admin = await system.token({ sub: 'dcc-admin', party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    t.verifier = await system.token({ sub: 'dcc-verifier-1', party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    t.manufacturer = await system.token({ sub: 'mfr-user', party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    t.supplier = await system.token({ sub: PARTIES.supplierA.sub, party: PARTIES.supplierA.party, partyType: 'supplier', roles: PARTIES.supplierA.roles });
    for (const party of [
      { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering', 'NW Metering'] },
      { partyId: PARTIES.supplierA.party, name: 'Supplier A', partyType: 'supplier' },
    ]) {
      expect((await call('POST', `${intake}/parties`, t.admin, party)).status).toBe(201);
    }
    const make = await call('POST', `${verification}/catalogue/makes`, t.verifier, { name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1A2B' });
    const makeId = (make.body as { makeId: string }).makeId;
    expect((await call('POST', `${verification}/catalogue/makes/${makeId}/models`, t.verifier, { name: 'NW-E470', smiModelId: '0000E470' })).status).toBe(201);

    const form = new FormData();
    form.append('file', new Blob([csv(['7001', 'Northwind Metering', 'NW-E470', '3804040A', 'ESME', 'Device Manufacturer', 'Fix', '2026-03-14', 'Yes', 'Upgrade to 3804040B'])]), 'northwind.csv');
    expect((await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${t.manufacturer}` }, body: form })).status).toBe(201);
    const report = await call('POST', `${intake}/reports`, t.supplier, {
      make: XSS,
      model: 'NW-E470',
      firmwareVersion: '3804040A',
      deviceType: 'ESME',
      statusOfInformation: 'Defect',
      description: 'Reboots when the tariff switches at midnight',
      dateObserved: '2026-03-01',
    });
    expect(report.status).toBe(201);
    await waitFor(async () => {
      const page = (await call('GET', `${verification}/cases`, t.verifier)).body as { cases: unknown[] };
      return page.cases.length === 2 ? true : undefined;
    }, 60_000, 'both cases opened in verification');

    const inventory = new InventoryClient(system);
    const preNotified = await inventory.preNotify('supplierA', DEVICE, { ...ESME_DETAILS, manufacturer: '1A2B', model: '0000E470', firmwareVersion: '3804040A' });
    expect(preNotified.body).toMatchObject({ responseCode: 'I0' });
    expect((await inventory.update('supplierA', DEVICE, { esmeVariant: 'AD' })).body).toMatchObject({ responseCode: 'I0' });
    // Five processes, a browser and the data flowing through Kafka: more than Jest's default on a busy machine.
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await lonely.stop();
    await system.stop();
  });

  async function signedIn(token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${consoleUrl}/#/sign-in`);
    await page.fill('#token', token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  let verifier: Page;
  let supplier: Page;

  it('signs a DCC verifier in, shows its party and roles, and lists the queue with the reporter’s text shown as text', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${consoleUrl}/`);
    await page.fill('#token', 'not a token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('this is not a JWT');
    await page.fill('#token', `Bearer ${t.verifier}`);
    await shot(page, '01-sign-in');

    verifier = await signedIn(t.verifier);
    await expect(verifier.getByTestId('signed-in-as').textContent()).resolves.toContain('DCC (dcc) · roles: verifier');
    const queue = verifier.getByTestId('case-queue');
    await queue.waitFor();
    expect(await queue.locator('tbody tr').count()).toBe(2);
    // The reporter's make is markup: it shows as characters and never runs.
    await expect(queue.textContent()).resolves.toContain(XSS);
    expect(await queue.locator('img').count()).toBe(0);
    expect(await verifier.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await shot(verifier, '02-queue-dcc');
  });

  it('opens a case, claims and verifies it, and shows the API’s reason when an action is refused', async () => {
    await verifier.goto(`${consoleUrl}/#/cases?kind=item&provider=MFR-NORTHWIND`);
    await verifier.getByTestId('case-queue').locator('a').first().click();
    await expect(verifier.getByTestId('case-state').first().textContent()).resolves.toBe('queued');
    await expect(verifier.locator('[data-action]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-action')))).resolves.toEqual(['claim']);
    await shot(verifier, '03-case-queued');

    await verifier.locator('[data-action=claim]').click();
    await verifier.getByText('Claim: done.').waitFor();
    await expect(verifier.getByTestId('case-state').first().textContent()).resolves.toBe('claimed');
    // Verifying without the checks is refused by the service, which says why.
    await verifier.locator('[data-action=verify]').click();
    const refusal = verifier.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(/Refused \(4\d\d INVALID_CHECKS\).*data, fixReference, presentation are checked/);
    await shot(verifier, '04-case-refused');

    for (const check of ['Data checked', 'Fix reference checked', 'Presentation checked']) await verifier.getByLabel(check).check();
    await verifier.locator('[data-action=verify]').click();
    await verifier.getByText('Verify: done.').waitFor();
    await expect(verifier.getByTestId('case-state').first().textContent()).resolves.toBe('verified');
    await expect(verifier.getByTestId('case-history').textContent()).resolves.toContain('ItemPublishable');
    await shot(verifier, '05-case-verified');
  });

  it('searches the published item as a supplier and runs a Device Model Combination check', async () => {
    const publication = system.url('publication');
    await waitFor(async () => {
      const found = (await call('GET', `${publication}/defects?firmwareVersion=3804040A`, t.supplier)).body as { items: unknown[] };
      return found.items.length === 1 ? true : undefined;
    }, 60_000, 'the verified item published');
    supplier = await signedIn(t.supplier);
    await supplier.goto(`${consoleUrl}/#/search?firmwareVersion=3804*`);
    const defects = supplier.getByTestId('defects');
    await defects.waitFor();
    expect(await defects.locator('tbody tr').count()).toBe(1);
    await expect(defects.textContent()).resolves.toContain('Upgrade to 3804040B');

    await supplier.fill('input[name=make-0]', 'NW Metering');
    await supplier.fill('input[name=model-0]', 'nw-e470');
    await supplier.fill('input[name=firmwareVersion-0]', '3804040a');
    await supplier.getByRole('button', { name: 'Add a device' }).click();
    await supplier.selectOption('select[name=deviceType-1]', 'CHF');
    await supplier.fill('input[name=make-1]', 'Contoso');
    await supplier.fill('input[name=model-1]', 'C-1');
    await supplier.fill('input[name=firmwareVersion-1]', '0001');
    await supplier.getByRole('button', { name: 'Check' }).click();
    const answer = supplier.getByTestId('dmc-answer');
    await answer.waitFor();
    const rows = await answer.locator(':scope > tbody > tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(0, 3).map((td) => td.textContent)));
    expect(rows).toEqual([
      ['ESME: NW Metering · nw-e470 · 3804040a', 'yes', 'yes'],
      ['CHF: Contoso · C-1 · 0001', 'no', '—'],
    ]);
    await shot(supplier, '06-search-and-dmc-check-supplier');
  });

  it('shows a device’s history with its SR attempts, to its supplier and to DCC', async () => {
    await supplier.goto(`${consoleUrl}/#/devices/${DEVICE}`);
    const attempts = supplier.getByTestId('sr-attempts');
    await attempts.waitFor();
    const cells = await attempts.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(1, 4).map((td) => td.textContent)));
    expect(cells.map(([sr, , code]) => [sr, code])).toEqual([
      ['12.2', 'I0'],
      ['8.4', 'I0'],
    ]);
    await expect(supplier.getByTestId('device-record').textContent()).resolves.toContain('AD');
    await shot(supplier, '07-device-history-supplier');

    await verifier.goto(`${consoleUrl}/#/devices/${DEVICE.replace(/-/g, '').toLowerCase()}`);
    await verifier.getByTestId('sr-attempts').waitFor();
    await verifier.getByRole('button', { name: 'Show the device stream with its metadata' }).click();
    const audit = verifier.getByTestId('device-audit').locator('table').first();
    await audit.waitFor();
    await expect(audit.textContent()).resolves.toMatch(/DevicePreNotified.*InventoryUpdated/s);
    await expect(audit.textContent()).resolves.toContain('correlationId');
    await shot(verifier, '08-device-history-dcc-with-audit');
  });

  it('refuses releases to a supplier (403, said plainly) and lets DCC download one once cut', async () => {
    await supplier.goto(`${consoleUrl}/#/releases`);
    const refused = supplier.getByRole('alert');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toMatch(/^No access\. Your role does not have access to releases: signed in as supplier party SUPPLIER-A with roles IS\./);
    await shot(supplier, '09-releases-forbidden-supplier');

    await verifier.goto(`${consoleUrl}/#/releases`);
    await verifier.getByText('No release has been cut yet.').waitFor();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    const [year, month] = today.split('-').map(Number);
    const quarter = Math.ceil(month / 3);
    const label = quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
    // The cut waits for publication's read models to apply what they have received (503 until then).
    await waitFor(async () => ((await call('POST', `${system.url('publication')}/releases`, t.admin, { label })).status === 201 ? true : undefined), 60_000, 'release 1 cut');

    await verifier.reload();
    const releases = verifier.getByTestId('releases');
    await releases.waitFor();
    const [download] = await Promise.all([verifier.waitForEvent('download'), verifier.locator('[data-download="1-public-csv"]').click()]);
    const saved = join(tmpdir(), `${system.topicPrefix}-${download.suggestedFilename()}`);
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '');
    expect(lines[0]).toBe(SUBMISSION_COLUMNS.join(','));
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['7001']);
    await verifier.getByTestId('download-status').getByText(/Downloaded .*\.csv/).waitFor();
    await shot(verifier, '10-releases-downloaded-dcc');
  });

  it('shows each service’s health, relay and read models to DCC, and only health to a supplier', async () => {
    await verifier.goto(`${consoleUrl}/#/health`);
    const summary = verifier.getByTestId('health-summary');
    await summary.waitFor();
    for (const service of ['intake', 'verification', 'publication', 'inventory']) {
      await expect(verifier.locator(`[data-health=${service}]`).textContent()).resolves.toBe('ready');
    }
    await expect(summary.textContent()).resolves.not.toContain('forbidden');
    await expect(verifier.locator('section[data-service=publication]').textContent()).resolves.toContain('published_items');
    // Publication consumes verification's events, which the seeded cases put on the topic: its lag table lists them.
    await expect(summary.textContent()).resolves.toMatch(/\d+ groups?, \d+ messages? behind/);
    const publicationLag = verifier.locator('section[data-service=publication] [data-testid=consumer-lag]');
    await expect(publicationLag.textContent()).resolves.toContain('verification.events');
    await shot(verifier, '11-health-and-lag-dcc');

    await supplier.goto(`${consoleUrl}/#/health`);
    await supplier.getByTestId('health-summary').waitFor();
    await expect(supplier.locator('[data-health=inventory]').textContent()).resolves.toBe('ready');
    await expect(supplier.getByRole('alert').textContent()).resolves.toContain('No access. Your role does not have access to the operations endpoints');
    await shot(supplier, '12-health-supplier-no-ops');
  });

  it('signs out, clearing the token: the next page asks to sign in', async () => {
    await supplier.getByRole('button', { name: 'Sign out' }).click();
    expect(await supplier.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
    await supplier.goto(`${consoleUrl}/#/cases`);
    const alert = supplier.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Sign in needed.');
    await shot(supplier, '13-signed-out-401');
  });

  it('says once, clearly, when a service cannot be reached', async () => {
    await lonely.startConsole();
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${lonely.url('console')}/#/sign-in`);
    await page.fill('#token', t.verifier);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe(
      'Service unreachable. The verification service cannot be reached right now (verification is not answering at its configured address). Try again once it is running.',
    );
    await shot(page, '14-service-unreachable');
    await page.goto(`${lonely.url('console')}/#/health`);
    await page.getByTestId('health-summary').waitFor();
    await expect(page.locator('[data-health]').allTextContents()).resolves.toEqual(['unreachable', 'unreachable', 'unreachable', 'unreachable']);
    await shot(page, '15-health-all-unreachable');
  });
});
