import { Scenario } from '../figures';
import { call, waitUntil } from '../infra';

/**
 * Verification is killed (-9) while its consumer copies the party registry from intake.events into
 * known_parties, as parties are being registered on intake; it is restarted and must catch up: every party once.
 */
export const verificationConsumerKilled: Scenario = {
  name: 'verification-consumer-killed',
  async run({ scale, system: newSystem }) {
    const system = newSystem();
    const intake = await system.start('intake');
    const verification = await system.start('verification');
    const admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    const parties = Array.from({ length: Math.round(200 * scale) }, (_, i) => `SUP-F${String(i).padStart(5, '0')}`);
    const knownParties = async () => (await system.query<{ n: number }>('verification', 'SELECT count(*)::int AS n FROM known_parties'))[0].n;

    const answers: number[] = [];
    const queue = [...parties];
    const registering = Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let partyId = queue.shift(); partyId; partyId = queue.shift()) {
          answers.push((await call('POST', `${intake.url}/parties`, admin, { partyId, name: `Supplier ${partyId}`, partyType: 'supplier' })).status);
        }
      }),
    );
    await waitUntil(async () => (await knownParties()) > 0, 60_000, 'verification to copy the first parties');
    await verification.kill();
    const faultAt = Date.now();
    const copiedBeforeKill = await knownParties();
    await verification.start();
    await registering;
    await waitUntil(async () => (await knownParties()) >= parties.length, 120_000, 'verification to copy every party');
    const recoverySeconds = (Date.now() - faultAt) / 1000;

    const copied = await system.query<{ party_id: string }>('verification', 'SELECT party_id FROM known_parties');
    const inbox = await system.query<{ message_id: string; n: number }>(
      'verification',
      `SELECT message_id, count(*)::int AS n FROM consumer_inbox WHERE consumer = 'verification.party-registry' GROUP BY 1`,
    );
    const stored = await system.query<{ event_id: string }>('intake', `SELECT event_id::text FROM events WHERE event_type = 'PartyRegistered'`);
    const published = new Set((await system.readTopic(system.topic('intake.events'))).map((m) => m.headers.ce_id));
    const unpublished = stored.filter((e) => !published.has(e.event_id)).length;
    const wanted = new Set(parties);
    const missing = parties.filter((p) => !copied.some((c) => c.party_id === p));
    return {
      scenario: 'verification-consumer-killed',
      sent: parties.length,
      answered: answers.filter((s) => s === 201).length,
      stored: stored.length,
      published: stored.length - unpublished,
      lost: missing.length + (parties.length - answers.filter((s) => s === 201).length) + unpublished + (parties.length - stored.length),
      duplicated: inbox.reduce((sum, m) => sum + m.n - 1, 0) + copied.filter((c) => !wanted.has(c.party_id)).length + Math.max(0, inbox.length - stored.length),
      recoverySeconds,
      notes: [`${copiedBeforeKill} parties copied when killed; known_parties ${copied.length}, inbox rows ${inbox.length}`, ...missing.slice(0, 5).map((p) => `${p}: never copied`)],
    };
  },
};
