import { Actor } from '../case-aggregate';
import { FixProposedData, ItemReportedData, ItemRevisedData, ItemSubmittedData, PartyDetailsChangedData, PartyRegisteredData, PossibleDuplicateFlaggedData } from '@smi/contracts';
import { waitFor } from '@smi/testing';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CATALOGUE, CHECKED, command, fixProposed, itemReported, itemSubmitted, VERIFIER } from '../case-aggregate/test-support/case-fixtures';
import { caseIdFor, caseStreamId, CaseWriter } from '../case-store';
import { asIncoming, IntakeEventOptions, intakeMessage, IntakeTopic } from '../test-support/intake-topic';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';
import { CasesFromIntake } from './cases-from-intake';
import { CasesFromIntakeConsumer } from './cases-from-intake.consumer';

interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { correlationId: string; causationId?: string; actor: Actor };
  tx: string;
}

const CONSUMER = 'verification.cases-from-intake';
const CSP_USER: Actor = { userId: 'csp-uploader', partyId: 'CSP-N', partyType: 'csp', roles: [] };
const ACME_USER: Actor = { userId: 'acme-uploader', partyId: 'ACME-MFR', partyType: 'manufacturer', roles: [] };
const DCC_ADMIN: Actor = { userId: 'dcc-admin', partyId: 'DCC', partyType: 'dcc', roles: ['registry.admin'] };
const AT = '2026-03-04T09:00:00.000Z';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** A provider's item as intake publishes it (its contract: a real content hash, digits for the Identifier). */
function submitted(providerPartyId: string, identifier: string, overrides: Partial<ItemSubmittedData> = {}): ItemSubmittedData {
  return itemSubmitted({
    providerPartyId,
    identifier,
    source: providerPartyId === 'CSP-N' ? 'CSP' : 'Device Manufacturer',
    make: 'Acme Meters',
    contentHash: hash(`${providerPartyId}/${identifier}/1`),
    submittedAt: AT,
    ...overrides,
  });
}

function revised(item: ItemSubmittedData, overrides: Partial<ItemRevisedData>): ItemRevisedData {
  const { submittedAt: _submittedAt, ...content } = item;
  return {
    ...content,
    submissionId: randomUUID(),
    previousContentHash: item.contentHash,
    contentHash: hash(`${item.providerPartyId}/${item.identifier}/2`),
    changes: [{ field: 'firmwareVersion', from: item.firmwareVersion, to: '38040406' }],
    firmwareVersion: '38040406',
    revisedAt: AT,
    ...overrides,
  };
}

const itemStream = (item: { providerPartyId: string; identifier: string }) => `item-${item.providerPartyId}-${item.identifier}`;
const itemCaseOf = (item: { providerPartyId: string; identifier: string }) => caseIdFor({ kind: 'item', providerPartyId: item.providerPartyId, identifier: item.identifier });
const reportCase = (reportId: string) => caseIdFor({ kind: 'report', reportId });
const fixCase = (fixId: string) => caseIdFor({ kind: 'fix', fixId });

const itemEvent = (item: ItemSubmittedData, options: Partial<IntakeEventOptions> = {}) => ({ type: 'ItemSubmitted', data: item, streamId: itemStream(item), ...options });
const reportEvent = (report: ItemReportedData, options: Partial<IntakeEventOptions> = {}) => ({ type: 'ItemReported', data: report, streamId: `report-${report.reportId}`, ...options });
const fixEvent = (fix: FixProposedData, options: Partial<IntakeEventOptions> = {}) => ({ type: 'FixProposed', data: fix, streamId: `fix-${fix.fixId}`, ...options });
const partyEvent = (data: PartyRegisteredData) => ({ type: 'PartyRegistered', data, streamId: `party-${data.partyId}`, actor: DCC_ADMIN });
const fixForItem = (fixId: string, item: { providerPartyId: string; identifier: string }) =>
  fixProposed({ fixId, target: { kind: 'item', providerPartyId: item.providerPartyId, identifier: item.identifier }, make: null, model: null, firmwareVersion: null, deviceType: null });

describe('cases from intake.events (PostgreSQL + Kafka)', () => {
  let verification: VerificationTestApp;
  let intake: IntakeTopic;
  let db: DataSource;
  let writer: CaseWriter;

  const row = async (caseId: string) => (await db.query(`SELECT * FROM cases WHERE case_id = $1`, [caseId]))[0];
  const stored = async (caseId: string): Promise<StoredEvent[]> =>
    (
      await db.query(`SELECT event_type, data, metadata, transaction_id::text AS tx FROM events WHERE stream_id = $1 ORDER BY stream_version`, [caseStreamId(caseId)])
    ).map((r: { event_type: string; data: Record<string, unknown>; metadata: StoredEvent['metadata']; tx: string }) => ({ type: r.event_type, data: r.data, metadata: r.metadata, tx: r.tx }));
  const types = async (caseId: string) => (await stored(caseId)).map((e) => e.type);
  const opened = (caseId: string, what = `case ${caseId}`) => waitFor(() => row(caseId), 30_000, what);
  const until = <T>(check: () => Promise<T | undefined | false>, what: string) => waitFor(check, 30_000, what);
  /** The inbox has the message: its transaction committed (applied, dropped as a redelivery, or dead-lettered). */
  const handled = (eventId: string) => until(async () => (await db.query(`SELECT 1 FROM consumer_inbox WHERE consumer = $1 AND message_id = $2`, [CONSUMER, eventId])).length > 0, `message ${eventId} handled`);
  const deadLetters = async () => (await db.query(`SELECT message_id, error FROM consumer_dead_letters WHERE consumer = $1`, [CONSUMER])) as Array<{ message_id: string; error: string }>;

  beforeAll(async () => {
    verification = await startVerificationTestApp('cases_from_intake');
    db = verification.app.get(DataSource);
    writer = verification.app.get(CaseWriter);
    intake = await IntakeTopic.open(verification);
    await intake.send(
      partyEvent({ partyId: 'ACME-MFR', name: 'Acme Meters Ltd', partyType: 'manufacturer', makes: ['Acme Meters'], registeredAt: AT }),
      partyEvent({ partyId: 'CSP-N', name: 'North Comms', partyType: 'csp', makes: ['Acme Meters'], registeredAt: AT }),
      partyEvent({ partyId: 'TWIN-A', name: 'Twin A', partyType: 'manufacturer', makes: ['Twin Meters'], registeredAt: AT }),
      partyEvent({ partyId: 'TWIN-B', name: 'Twin B', partyType: 'manufacturer', makes: ['twin  meters'], registeredAt: AT }),
      partyEvent({ partyId: 'SUPPLIER-A', name: 'Supplier A', partyType: 'supplier', makes: [], registeredAt: AT }),
    );
    await until(async () => (await db.query(`SELECT count(*)::int AS n FROM known_parties`))[0].n === 5, 'the parties in the registry copy');
  }, 90_000);

  afterAll(async () => {
    await intake?.close();
    await verification?.stop();
  });

  it('opens an item’s case from ItemSubmitted: the sender acts, the event causes, the make’s manufacturer answers, a Comms Hub’s CSP', async () => {
    const meter = submitted('CSP-N', '101');
    const hub = submitted('CSP-N', '102', { deviceType: 'CHF' });
    const [meterEvent, hubEvent] = await intake.send(itemEvent(meter, { actor: CSP_USER, correlationId: 'upload-101' }), itemEvent(hub, { actor: null }));

    expect(await opened(itemCaseOf(meter))).toMatchObject({ case_kind: 'item', state: 'queued', provider_party_id: 'CSP-N', make_key: 'acme meters', accountable_party_id: 'ACME-MFR', accountable_party_type: 'manufacturer' });
    expect(await opened(itemCaseOf(hub))).toMatchObject({ device_type: 'CHF', accountable_party_id: 'CSP-N', accountable_party_type: 'csp' });
    const [open] = await stored(itemCaseOf(meter));
    expect(open).toMatchObject({ type: 'CaseOpened', metadata: { causationId: meterEvent, correlationId: 'upload-101', actor: CSP_USER }, data: { actor: CSP_USER } });
    // No sender on the message: the service acts; no correlation header would fall back to the event's id.
    expect((await stored(itemCaseOf(hub)))[0].metadata).toMatchObject({ causationId: hubEvent, actor: { userId: 'system:verification.cases-from-intake', partyId: 'DCC', roles: ['system'] } });
  });

  it('opens a report’s case and a device fix proposal’s case; a make two manufacturers registered has no accountable party', async () => {
    const report = itemReported({ reportId: 'R-100001', make: 'ACME meters' });
    const fix = fixProposed({ fixId: 'F-100001', make: 'Twin Meters' });
    await intake.send(reportEvent(report, { actor: { userId: 'sup-user', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: [] } }), fixEvent(fix));

    expect(await opened(reportCase('R-100001'))).toMatchObject({ case_kind: 'report', provider_party_id: report.reporterPartyId, accountable_party_id: 'ACME-MFR', fix_reference: 'not-applicable' });
    expect(await opened(fixCase('F-100001'))).toMatchObject({ case_kind: 'fix', make_key: 'twin meters', accountable_party_id: null, fix_reference: 'not-applicable', target_case_id: null });
  });

  it('revises the item’s case from ItemRevised and attaches the matches of PossibleDuplicateFlagged', async () => {
    const item = submitted('ACME-MFR', '103');
    const flag: PossibleDuplicateFlaggedData = {
      submissionId: item.submissionId,
      providerPartyId: item.providerPartyId,
      identifier: item.identifier,
      make: item.make,
      model: item.model,
      firmwareVersion: item.firmwareVersion,
      deviceType: item.deviceType,
      matches: [{ providerPartyId: 'CSP-N', identifier: '101' }],
      matchCount: 1,
      flaggedAt: AT,
    };
    const options = { streamId: itemStream(item), actor: ACME_USER };
    await intake.send(
      { type: 'ItemSubmitted', data: item, ...options },
      { type: 'PossibleDuplicateFlagged', data: flag, ...options },
      { type: 'ItemRevised', data: revised(item, {}), ...options },
    );
    const caseId = itemCaseOf(item);
    await until(async () => (await row(caseId))?.version === 3, 'the item revised');
    expect(await types(caseId)).toEqual(['CaseOpened', 'DuplicateHintsAttached', 'RevisionReceived']);
    expect(await row(caseId)).toMatchObject({ firmware_version: '38040406', state: 'queued' });
    expect((await row(caseId)).snapshot.hints).toEqual([{ providerPartyId: 'CSP-N', identifier: '101' }]);
  });

  it('resolves a fix proposal’s reference whichever of the fix and the item arrives first, and gives the fix the item’s party', async () => {
    const late = submitted('CSP-N', '104');
    const [fixFirst] = await intake.send(fixEvent(fixForItem('F-100002', late), { actor: ACME_USER }));
    expect(await opened(fixCase('F-100002'))).toMatchObject({ fix_reference: 'unresolved', accountable_party_id: null, target_case_id: itemCaseOf(late), make: null });
    await handled(fixFirst);

    const [itemEventId] = await intake.send(itemEvent(late, { actor: CSP_USER, correlationId: 'upload-104' }));
    await until(async () => (await row(fixCase('F-100002'))).fix_reference === 'resolved', 'the fix reference resolved');
    expect(await row(fixCase('F-100002'))).toMatchObject({ accountable_party_id: 'ACME-MFR' });
    const [, resolved, assigned] = await stored(fixCase('F-100002'));
    expect(resolved).toMatchObject({ type: 'FixReferenceResolved', data: { resolution: 'item-submitted' }, metadata: { causationId: itemEventId, correlationId: 'upload-104' } });
    expect(assigned).toMatchObject({ type: 'AccountablePartyAssigned', data: { accountable: { partyId: 'ACME-MFR' }, previous: null }, metadata: { causationId: itemEventId } });
    // The item's own case opened in the same transaction.
    expect((await stored(itemCaseOf(late)))[0].tx).toBe(resolved.tx);

    const early = submitted('CSP-N', '105', { deviceType: 'GPF' });
    await intake.send(itemEvent(early));
    await opened(itemCaseOf(early));
    await intake.send(fixEvent(fixForItem('F-100003', early)));
    expect(await opened(fixCase('F-100003'))).toMatchObject({ fix_reference: 'resolved', accountable_party_id: 'CSP-N' });
    expect(await types(fixCase('F-100003'))).toEqual(['CaseOpened']);
  });

  it('changes nothing for an event delivered again, under its own id or another', async () => {
    const item = submitted('CSP-N', '106');
    const fix = fixProposed({ fixId: 'F-100004', make: 'Acme Meters' });
    const [itemId, fixId] = await intake.send(itemEvent(item), fixEvent(fix));
    await opened(itemCaseOf(item));
    await opened(fixCase('F-100004'));
    const dropped = verification.app.get(CasesFromIntakeConsumer).stats()!.duplicatesDropped;

    // The relay publishing the same events again, and then the same content as new events (a replayed outbox).
    await intake.send(itemEvent(item, { eventId: itemId }), fixEvent(fix, { eventId: fixId }));
    const [againItem, againFix] = await intake.send(itemEvent(item), fixEvent(fix));
    await handled(againItem);
    await handled(againFix);
    await until(async () => verification.app.get(CasesFromIntakeConsumer).stats()!.duplicatesDropped >= dropped + 2, 'the redeliveries dropped by the inbox');

    expect(await types(itemCaseOf(item))).toEqual(['CaseOpened']);
    expect(await types(fixCase('F-100004'))).toEqual(['CaseOpened']);
    expect(await row(itemCaseOf(item))).toMatchObject({ version: 1 });
    expect(await deadLetters()).toEqual([]);
  });

  it('dead-letters an event that can never be applied, with the reason, keeps nothing of it, and applies the rest of its batch', async () => {
    const never = submitted('CSP-N', '107');
    const before = submitted('CSP-N', '108');
    const after = submitted('CSP-N', '109');
    const broken = { ...submitted('CSP-N', '110'), contentHash: 'not-a-hash' };
    // One key, so one partition and one batch: the revision of an item whose submission never arrived sits between two good items.
    const key = { streamId: 'item-CSP-N-107' };
    const [, revisionId, , brokenId] = await intake.send(
      { ...itemEvent(before), ...key },
      { type: 'ItemRevised', data: revised(never, {}), ...key },
      { ...itemEvent(after), ...key },
      { ...itemEvent(broken), ...key },
    );
    await until(async () => (await deadLetters()).length >= 2, 'two dead letters');

    const letters = await deadLetters();
    const revision = letters.find((d) => d.message_id === revisionId)!;
    expect(revision.error).toContain('PermanentMessageError');
    expect(revision.error).toContain(`ItemRevised ${revisionId} (item CSP-N/107) cannot be applied`);
    expect(revision.error).toContain('CASE_NOT_FOUND');
    expect(letters.find((d) => d.message_id === brokenId)!.error).toContain('breaks its contract');
    expect(await opened(itemCaseOf(before))).toMatchObject({ version: 1 });
    expect(await opened(itemCaseOf(after))).toMatchObject({ version: 1 });
    expect(await row(itemCaseOf(never))).toBeUndefined();
    expect(await row(itemCaseOf(broken))).toBeUndefined();
    expect(await types(itemCaseOf(never))).toEqual([]);
  });

  it('applies a provider file’s items a batch per transaction, not one each', async () => {
    const items = Array.from({ length: 300 }, (_, i) => submitted('ACME-MFR', String(2000 + i)));
    await intake.send(...items.map((item) => itemEvent(item, { actor: ACME_USER, correlationId: 'upload-big' })));
    const caseIds = items.map(itemCaseOf);
    await until(async () => (await db.query(`SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1::uuid[])`, [caseIds]))[0].n === 300, 'the file’s 300 cases');
    const [{ transactions }] = await db.query(`SELECT count(DISTINCT transaction_id)::int AS transactions FROM events WHERE stream_id = ANY($1::text[])`, [caseIds.map(caseStreamId)]);
    // Six partitions, each read in a few fetches: far fewer transactions than items.
    expect(transactions).toBeLessThanOrEqual(30);
    expect(await row(caseIds[299])).toMatchObject({ accountable_party_id: 'ACME-MFR', state: 'queued' });
  });

  const waitingForLock = async () =>
    (await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).length > 0;

  /**
   * Applies `first` to the cases in a transaction held open until `then` has started and either waits on it
   * or is done (it does not wait without the locks); then `first` commits.
   */
  async function holding(first: ReturnType<typeof intakeMessage>, then: () => Promise<unknown>): Promise<void> {
    let applied!: () => void;
    let release!: () => void;
    const firstApplied = new Promise<void>((resolve) => (applied = resolve));
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    const one = db.transaction(async (manager) => {
      await verification.app.get(CasesFromIntake).apply([asIncoming(first)], manager);
      applied();
      await mayCommit;
    });
    await firstApplied;
    let done = false;
    const two = then().finally(() => (done = true));
    try {
      await until(async () => done || (await waitingForLock()), 'the second to wait for the first, or finish');
    } finally {
      release();
    }
    await Promise.all([one, two]);
  }

  describe('a fix proposal and the item it names, applied at the same time by two instances', () => {
    const race = (first: ReturnType<typeof intakeMessage>, second: ReturnType<typeof intakeMessage>) =>
      holding(first, () => db.transaction((manager) => verification.app.get(CasesFromIntake).apply([asIncoming(second)], manager)));

    it('resolves the reference when the fix commits first, the item waiting for it', async () => {
      const item = submitted('CSP-N', '120');
      await race(intakeMessage('FixProposed', fixForItem('F-100020', item), { streamId: 'fix-F-100020' }), intakeMessage('ItemSubmitted', item, { streamId: itemStream(item) }));
      expect(await row(fixCase('F-100020'))).toMatchObject({ fix_reference: 'resolved', accountable_party_id: 'ACME-MFR' });
      expect(await types(fixCase('F-100020'))).toEqual(['CaseOpened', 'FixReferenceResolved', 'AccountablePartyAssigned']);
    });

    it('opens the fix resolved when the item commits first, the fix waiting for it', async () => {
      const item = submitted('CSP-N', '121');
      await race(intakeMessage('ItemSubmitted', item, { streamId: itemStream(item) }), intakeMessage('FixProposed', fixForItem('F-100021', item), { streamId: 'fix-F-100021' }));
      expect(await row(fixCase('F-100021'))).toMatchObject({ fix_reference: 'resolved', accountable_party_id: 'ACME-MFR' });
      expect(await types(fixCase('F-100021'))).toEqual(['CaseOpened']);
    });
  });

  it('a make no party answers for: DCC registers its manufacturer, the cases get it and agreement proceeds; its Comms Hubs wait for a CSP', async () => {
    const meter = submitted('CSP-N', '130', { make: 'Zeta Meters', fixAvailable: false, fixInformation: null, statusOfInformation: 'Defect' });
    const hub = submitted('CSP-N', '131', { make: 'Zeta Meters', deviceType: 'CHF' });
    await intake.send(itemEvent(meter), itemEvent(hub), fixEvent(fixForItem('F-100030', meter)));
    for (const caseId of [itemCaseOf(meter), itemCaseOf(hub), fixCase('F-100030')]) expect(await opened(caseId)).toMatchObject({ accountable_party_id: null });

    const zeta: Actor = { userId: 'zeta-user', partyId: 'ZETA-MFR', partyType: 'manufacturer', roles: [] };
    const caseId = itemCaseOf(meter);
    const run = (actor: Actor, body: Parameters<typeof command>[2]) => writer.execute(command(caseId, actor, body, new Date().toISOString()));
    await run(VERIFIER, { type: 'ClaimCase' });
    await run(VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE });
    expect(await row(caseId)).toMatchObject({ state: 'awaiting-agreement' });
    await expect(run(zeta, { type: 'AgreeInclusion' })).rejects.toMatchObject({ code: 'ACCOUNTABLE_PARTY_MISSING' });

    const [registered] = await intake.send(partyEvent({ partyId: 'ZETA-MFR', name: 'Zeta plc', partyType: 'manufacturer', makes: ['ZETA  meters'], registeredAt: AT }));
    await until(async () => (await row(caseId)).accountable_party_id === 'ZETA-MFR', 'the manufacturer assigned');
    const assigned = (await stored(caseId)).find((e) => e.type === 'AccountablePartyAssigned')!;
    expect(assigned).toMatchObject({ data: { accountable: { partyId: 'ZETA-MFR', partyType: 'manufacturer' }, previous: null }, metadata: { causationId: registered, actor: { userId: 'system:verification.party-registry' } } });
    // The fix proposal for the item follows the item's make, in the same transaction; the Comms Hub does not.
    expect(await row(fixCase('F-100030'))).toMatchObject({ accountable_party_id: 'ZETA-MFR' });
    expect(await row(itemCaseOf(hub))).toMatchObject({ accountable_party_id: null });

    await run(zeta, { type: 'AgreeInclusion', note: 'ours' });
    expect(await row(caseId)).toMatchObject({ state: 'verified', accountable_party_id: 'ZETA-MFR' });

    const change: PartyDetailsChangedData = { partyId: 'CSP-N', name: 'North Comms', makes: ['Acme Meters', 'Zeta Meters'], previous: { name: 'North Comms', makes: ['Acme Meters'] }, changedAt: AT };
    await intake.send({ type: 'PartyDetailsChanged', data: change, streamId: 'party-CSP-N', actor: DCC_ADMIN });
    await until(async () => (await row(itemCaseOf(hub))).accountable_party_id === 'CSP-N', 'the CSP assigned to the Comms Hub');
    expect(await row(itemCaseOf(hub))).toMatchObject({ accountable_party_type: 'csp' });
    expect(await row(caseId)).toMatchObject({ accountable_party_id: 'ZETA-MFR' });
  });
  it('gives a case opened while DCC registers its make’s manufacturer that manufacturer, whichever commits first', async () => {
    const item = submitted('CSP-N', '140', { make: 'Omega Meters' });
    let registered = '';
    // The case is being opened with the registry as it was; the registration arrives meanwhile.
    await holding(intakeMessage('ItemSubmitted', item, { streamId: itemStream(item) }), async () => {
      [registered] = await intake.send(partyEvent({ partyId: 'OMEGA-MFR', name: 'Omega', partyType: 'manufacturer', makes: ['Omega Meters'], registeredAt: AT }));
      await until(async () => (await db.query(`SELECT 1 FROM known_parties WHERE party_id = 'OMEGA-MFR'`)).length > 0, 'the registration applied');
    });
    await until(async () => (await row(itemCaseOf(item)))?.accountable_party_id === 'OMEGA-MFR', 'the case assigned the manufacturer');
    expect((await stored(itemCaseOf(item))).map((e) => [e.type, e.metadata.causationId])).toEqual([
      ['CaseOpened', expect.any(String)],
      ['AccountablePartyAssigned', registered],
    ]);
  });
});
