import { PartyType } from '@smi/auth';
import { verifyWebhookSignature } from '@smi/webhooks';
import { WebhookReceiver } from '@smi/testing';
import { DataSource } from 'typeorm';
import { ACME, ACME_PARTY, CATALOGUE, CHECKED, command, CSP, itemSubmitted, othersItem, OTHER_MFR, SYSTEM, VERIFIER } from '../case-aggregate/test-support/case-fixtures';
import { CaseCommand } from '../case-aggregate';
import { caseIdFor, CaseWriter } from '../case-store';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';

const WEBHOOK_ENV = { WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '50' };

describe('verification webhooks: a case waiting on a manufacturer (real PostgreSQL, real HTTP receiver)', () => {
  let verification: VerificationTestApp;
  let writer: CaseWriter;
  let db: DataSource;
  let receiver: WebhookReceiver;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    verification = await startVerificationTestApp('webhooks', { env: WEBHOOK_ENV });
    writer = verification.app.get(CaseWriter);
    db = verification.app.get(DataSource);
    receiver = await WebhookReceiver.start();
    for (const actor of [ACME, OTHER_MFR, CSP]) tokens[actor.partyId] = await verification.token({ party: actor.partyId, partyType: actor.partyType as PartyType });
    tokens.SECAS = await verification.token({ party: 'SECAS', partyType: 'secas' });
    tokens.DCC = await verification.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
    await receiver?.stop();
  });

  const run = (caseId: string, actor: typeof VERIFIER, body: Parameters<typeof command>[2]) => writer.execute(command(caseId, actor, body) as CaseCommand);
  const deliveriesTo = async (subscriptionId: string): Promise<string[]> =>
    (await db.query(`SELECT body FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at`, [subscriptionId])).map((row: { body: string }) => JSON.parse(row.body).data.caseId);

  it('offers case.waiting to manufacturers only', async () => {
    // Party types offered nothing here are refused at the door; DCC reaches the API (its operators read logs) but not the webhook.
    for (const party of ['SECAS', CSP.partyId]) {
      const refused = await verification.call('POST', '/webhooks', tokens[party], { url: receiver.url('/refused'), events: ['case.waiting'] });
      expect(refused).toMatchObject({ status: 403, body: { message: expect.stringContaining('requires party type dcc or manufacturer') } });
    }
    const dcc = await verification.call('POST', '/webhooks', tokens.DCC, { url: receiver.url('/refused'), events: ['case.waiting'] });
    expect(dcc).toMatchObject({ status: 403, body: { code: 'FORBIDDEN_WEBHOOK_EVENTS', details: { field: 'events', reason: 'a dcc may not receive case.waiting' } } });
    const unknown = await verification.call('POST', '/webhooks', tokens[ACME.partyId], { url: receiver.url('/refused'), events: ['release.cut'] });
    expect(unknown).toMatchObject({ status: 400, body: { details: { field: 'events' } } });
  });

  it('tells the manufacturer a case waits on it, and no other manufacturer', async () => {
    const acme = await verification.call('POST', '/webhooks', tokens[ACME.partyId], { url: receiver.url('/acme'), events: ['case.waiting'] });
    const other = await verification.call('POST', '/webhooks', tokens[OTHER_MFR.partyId], { url: receiver.url('/other'), events: ['case.waiting'] });
    expect([acme.status, other.status]).toEqual([201, 201]);
    const acmeSub = acme.body as { id: string; secret: string };

    // A wait on a CSP (its own item, asked for information) goes to nobody: CSPs cannot subscribe.
    const cspCase = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'hook-csp' });
    await run(cspCase, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier: 'hook-csp' }), accountable: ACME_PARTY });
    await run(cspCase, VERIFIER, { type: 'ClaimCase' });
    await run(cspCase, VERIFIER, { type: 'RequestInformation', question: 'Which firmware?' });

    // The CSP's item that ACME answers for: verified, it waits on ACME's agreement (R3).
    const agreement = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'hook-agree' });
    await run(agreement, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier: 'hook-agree' }), accountable: ACME_PARTY });
    await run(agreement, VERIFIER, { type: 'ClaimCase' });
    await run(agreement, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE });

    // ACME's own item, asked for information.
    const information = caseIdFor({ kind: 'item', providerPartyId: ACME.partyId, identifier: 'hook-info' });
    await run(information, SYSTEM, { type: 'OpenItemCase', item: itemSubmitted({ identifier: 'hook-info' }), accountable: ACME_PARTY });
    await run(information, VERIFIER, { type: 'ClaimCase' });
    await run(information, VERIFIER, { type: 'RequestInformation', question: 'Which hardware version?' });

    const arrivals = await receiver.waitFor('/acme', 2);
    for (const arrival of arrivals) {
      const { headers, body } = arrival;
      expect(verifyWebhookSignature({ secret: acmeSub.secret, body, timestamp: headers['x-smi-timestamp'] as string, signature: headers['x-smi-signature'] as string })).toBe(true);
    }
    expect(arrivals.map((a) => JSON.parse(a.body)).sort((a, b) => a.data.waitingFor.localeCompare(b.data.waitingFor))).toEqual([
      expect.objectContaining({
        type: 'case.waiting',
        source: 'urn:smi:service:verification',
        subject: agreement,
        data: { caseId: agreement, caseKind: 'item', waitingFor: 'agreement', waitingSince: expect.any(String), question: null, link: `/cases/${agreement}` },
      }),
      expect.objectContaining({
        subject: information,
        data: { caseId: information, caseKind: 'item', waitingFor: 'information', waitingSince: expect.any(String), question: 'Which hardware version?', link: `/cases/${information}` },
      }),
    ]);
    // Queued in order by the reaction: with ACME's last one queued, every earlier case event was read.
    expect(await deliveriesTo(acmeSub.id)).toEqual([agreement, information]);
    expect(await deliveriesTo((other.body as { id: string }).id)).toEqual([]);
    expect(receiver.received('/other')).toEqual([]);

    // ACME answering ends the wait (nothing sent); asked again, the case waits anew and ACME hears of it again.
    await run(information, ACME, { type: 'ProvideInformation', answer: 'Hardware version 2' });
    await run(information, VERIFIER, { type: 'ClaimCase' });
    await run(information, VERIFIER, { type: 'RequestInformation', question: 'And the firmware?' });
    const [, , third] = await receiver.waitFor('/acme', 3);
    expect(JSON.parse(third.body).data).toMatchObject({ caseId: information, question: 'And the firmware?' });
    expect(await deliveriesTo(acmeSub.id)).toEqual([agreement, information, information]);
  });
});
