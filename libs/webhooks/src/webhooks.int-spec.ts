import { prometheusText } from '@smi/telemetry';
import { closedPort, createTestDatabase, TestDatabase, uniqueName, waitFor, WebhookReceiver } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { secretFingerprint, verifyWebhookSignature } from './signing';
import { startWebhookTestService, WebhookTestService } from './test-support/webhook-test-service';
import { WEBHOOK_REACTION_NAME } from './webhook-reaction';

/*
 * Webhooks on the real platform (PostgreSQL, the projection runner's reaction, the dispatcher) delivering to a real
 * HTTP receiver on 127.0.0.1. Settings: 3 attempts, 400 ms per attempt, 20–100 ms backoff (TEST_WEBHOOK_ENV).
 */
describe('webhooks (real PostgreSQL, real HTTP receiver)', () => {
  let database: TestDatabase;
  let topicPrefix: string;
  let service: WebhookTestService;
  let receiver: WebhookReceiver;
  let secas: string;
  let secas2: string;
  let maker1: string;
  let maker2: string;
  let dcc: string;
  let operator: string;

  beforeAll(async () => {
    database = await createTestDatabase('webhooks');
    topicPrefix = uniqueName('webhooks');
    service = await startWebhookTestService(database.url, topicPrefix);
    receiver = await WebhookReceiver.start();
    secas = await service.token({ party: 'SECAS', partyType: 'secas' });
    secas2 = await service.token({ party: 'SECAS-2', partyType: 'secas' });
    maker1 = await service.token({ party: 'MAN-1', partyType: 'manufacturer' });
    maker2 = await service.token({ party: 'MAN-2', partyType: 'manufacturer' });
    dcc = await service.token({ party: 'DCC', partyType: 'dcc' });
    operator = await service.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await receiver?.stop();
    await database?.drop();
  });

  const subscribe = async (token: string, path: string, url = receiver.url(path)) => {
    const created = await service.call('POST', '/webhooks', token, { url, events: ['thing.happened'] });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };
  const unsubscribe = (token: string, id: string) => service.call('DELETE', `/webhooks/${id}`, token);
  const deliveries = async (id: string, token = operator) => {
    const log = await service.call('GET', `/webhooks/${id}/deliveries`, token);
    expect(log.status).toBe(200);
    return log.body.deliveries as Array<{ deliveryId: string; eventId: string; status: string; attempts: number; lastError: string | null; history: Array<{ statusCode: number | null; error: string | null }> }>;
  };
  const logWhere = (id: string, check: (d: Awaited<ReturnType<typeof deliveries>>) => boolean, what: string) =>
    waitFor(async () => {
      const log = await deliveries(id);
      return check(log) ? log : undefined;
    }, 20_000, what);

  it('delivers a signed CloudEvents envelope the receiver verifies, and logs it for the subscriber', async () => {
    const { id, secret } = await subscribe(secas, '/ok');
    const eventId = await service.thingHappened(1);
    const [arrival] = await receiver.waitFor('/ok', 1);
    expect(
      verifyWebhookSignature({ secret, body: arrival.body, timestamp: arrival.headers['x-smi-timestamp'] as string, signature: arrival.headers['x-smi-signature'] as string }),
    ).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_wrong', body: arrival.body, timestamp: arrival.headers['x-smi-timestamp'] as string, signature: arrival.headers['x-smi-signature'] as string })).toBe(false);
    expect(arrival.headers['x-smi-event']).toBe('thing.happened');
    expect(arrival.headers['content-type']).toBe('application/json');
    const envelope = JSON.parse(arrival.body);
    expect(envelope).toEqual({
      specversion: '1.0',
      id: eventId,
      type: 'thing.happened',
      source: 'urn:smi:service:webhook-test',
      subject: 'thing-1',
      time: expect.any(String),
      datacontenttype: 'application/json',
      data: { n: 1 },
    });
    const [logged] = await logWhere(id, (log) => log[0]?.status === 'delivered', 'the delivery logged');
    expect(logged).toMatchObject({ deliveryId: arrival.headers['x-smi-delivery'], eventId, attempts: 1, lastError: null, history: [{ statusCode: 204, error: null }] });
    expect((await deliveries(id, secas)).map((d) => d.deliveryId)).toEqual([logged.deliveryId]);
    // The event the audit endpoints show names the secret by its fingerprint and never holds it.
    const [stored] = await service.dataSource.query(`SELECT data::text AS data FROM events WHERE stream_id = $1`, [`webhook-${id}`]);
    expect(stored.data).not.toContain(secret);
    expect(JSON.parse(stored.data).secretFingerprint).toBe(secretFingerprint(secret));
    await unsubscribe(secas, id);
  });

  it('retries after 500s, backing off, then delivers', async () => {
    receiver.respond('/flaky', (n) => (n <= 2 ? 500 : 200));
    const { id } = await subscribe(secas, '/flaky');
    await service.thingHappened(2);
    const arrivals = await receiver.waitFor('/flaky', 3);
    expect(new Set(arrivals.map((a) => a.headers['x-smi-delivery'])).size).toBe(1);
    const [logged] = await logWhere(id, (log) => log[0]?.status === 'delivered', 'delivered on the third attempt');
    expect(logged.attempts).toBe(3);
    expect(logged.history.map((h) => h.statusCode)).toEqual([500, 500, 200]);
    await unsubscribe(secas, id);
  });

  /** `webhook_deliveries{status}` as the service's /metrics serves it. */
  async function deliveriesGauge(status: 'pending' | 'dead'): Promise<number> {
    const line = (await prometheusText()).split('\n').find((l) => l.startsWith(`webhook_deliveries{status="${status}"} `));
    if (!line) throw new Error(`no webhook_deliveries{status="${status}"} in the metrics`);
    return Number(line.split(' ')[1]);
  }

  it('dead-letters after the last attempt fails, and sends it again when retried', async () => {
    const deadBefore = await deliveriesGauge('dead');
    let healthy = false;
    receiver.respond('/down', () => (healthy ? 200 : 503));
    const { id } = await subscribe(secas, '/down');
    await service.thingHappened(3);
    const [dead] = await logWhere(id, (log) => log[0]?.status === 'dead', 'dead-lettered');
    expect(dead.attempts).toBe(3);
    expect(receiver.received('/down')).toHaveLength(3);
    expect(dead).toMatchObject({ lastError: 'answered 503', nextAttemptAt: null, deadLetteredAt: expect.any(String) });
    // Operators see it in the service's /metrics (the WebhookDeliveriesDead alert); it leaves the count once retried.
    expect(await deliveriesGauge('dead')).toBe(deadBefore + 1);

    // Another party may not retry it; a delivered one is not sent again.
    expect((await service.call('POST', `/webhooks/${id}/deliveries/${dead.deliveryId}/retry`, maker1)).status).toBe(404);
    healthy = true;
    const retried = await service.call('POST', `/webhooks/${id}/deliveries/${dead.deliveryId}/retry`, secas);
    expect(retried).toMatchObject({ status: 202, body: { deliveryId: dead.deliveryId, status: 'pending' } });
    await receiver.waitFor('/down', 4);
    const [delivered] = await logWhere(id, (log) => log[0]?.status === 'delivered', 'delivered after the retry');
    expect(delivered.history.map((h) => h.statusCode)).toEqual([503, 503, 503, 200]);
    expect((await service.call('POST', `/webhooks/${id}/deliveries/${dead.deliveryId}/retry`, secas)).status).toBe(409);
    expect(await deliveriesGauge('dead')).toBe(deadBefore);
    await unsubscribe(secas, id);
  });

  it('gives up on a receiver that never answers within the attempt timeout', async () => {
    receiver.respond('/hang', () => 'hang');
    const { id } = await subscribe(secas, '/hang');
    await service.thingHappened(4);
    const [dead] = await logWhere(id, (log) => log[0]?.status === 'dead', 'dead-lettered after timeouts');
    expect(dead.history.map((h) => h.error)).toEqual(['no answer within 400 ms', 'no answer within 400 ms', 'no answer within 400 ms']);
    expect(receiver.received('/hang')).toHaveLength(3);
    await unsubscribe(secas, id);
  });

  it('records an unreachable receiver as refused, and dead-letters it', async () => {
    const { id } = await subscribe(secas, '/never', `http://127.0.0.1:${await closedPort()}/never`);
    await service.thingHappened(5);
    const [dead] = await logWhere(id, (log) => log[0]?.status === 'dead', 'dead-lettered while unreachable');
    expect(dead.history).toHaveLength(3);
    for (const attempt of dead.history) expect(attempt).toMatchObject({ statusCode: null, error: 'not delivered: ECONNREFUSED' });
    await unsubscribe(secas, id);
  });

  it('sends an event meant for one party to that party only', async () => {
    const one = await subscribe(maker1, '/man-1');
    const two = await subscribe(maker2, '/man-2');
    const eventId = await service.thingHappened(6, 'MAN-1');
    const [arrival] = await receiver.waitFor('/man-1', 1);
    expect(JSON.parse(arrival.body).id).toBe(eventId);
    // Queued in the reaction's one transaction: once MAN-1's delivery exists the event was handled, and MAN-2 has none.
    expect(await deliveries(two.id)).toEqual([]);
    expect(receiver.received('/man-2')).toEqual([]);
    await unsubscribe(maker1, one.id);
    await unsubscribe(maker2, two.id);
  });

  it('shows a delivery log and a subscription to its party and DCC operators only', async () => {
    const { id } = await subscribe(secas, '/private');
    await service.thingHappened(7);
    await receiver.waitFor('/private', 1);
    for (const other of [secas2, maker1, dcc]) {
      expect((await service.call('GET', `/webhooks/${id}/deliveries`, other)).status).toBe(404);
      expect((await service.call('GET', `/webhooks/${id}`, other)).status).toBe(404);
      expect((await service.call('DELETE', `/webhooks/${id}`, other)).status).toBe(404);
      const own = await service.call('GET', '/webhooks', other);
      expect(own.status).toBe(200);
      expect(own.body.subscriptions.map((s: { id: string }) => s.id)).not.toContain(id);
    }
    expect((await service.call('GET', `/webhooks/${randomUUID()}/deliveries`, secas)).status).toBe(404);
    expect((await service.call('GET', `/webhooks/not-a-uuid/deliveries`, secas)).body).toMatchObject({ errors: [{ field: 'id' }] });
    expect((await service.call('GET', `/webhooks/${id}/deliveries`, operator)).status).toBe(200);
    const listed = await service.call('GET', '/webhooks', secas);
    // Its own, removed ones included (inactive); the live one is this.
    expect(listed.body.subscriptions.filter((s: { active: boolean }) => s.active)).toEqual([expect.objectContaining({ id, active: true, events: ['thing.happened'] })]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect(await unsubscribe(secas, id)).toMatchObject({ status: 204 });
    expect(await unsubscribe(secas, id)).toMatchObject({ status: 204 });
  });

  it('refuses bad subscriptions with the field and the reason, storing nothing', async () => {
    const before = await service.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'webhook-%'`);
    const refusals: Array<[string, unknown, number, string]> = [
      [maker1, { url: receiver.url('/x'), events: ['thing.happened', 'other.thing'] }, 400, 'events'],
      [dcc, { url: receiver.url('/x'), events: ['thing.happened'] }, 403, 'events'],
      [secas, { url: 'http://hooks.example.org/x', events: ['thing.happened'] }, 400, 'url'],
      [secas, { url: 'https://user:secret@hooks.example.org/x', events: ['thing.happened'] }, 400, 'url'],
      [secas, { url: 'https://hooks.example.org/x', events: [] }, 400, 'events'],
      [secas, { url: 'https://hooks.example.org/x' }, 400, 'events'],
      [secas, { url: 'https://hooks.example.org/x', events: ['thing.happened'], secret: 'mine' }, 400, 'secret'],
    ];
    for (const [token, body, status, field] of refusals) {
      const answer = await service.call('POST', '/webhooks', token, body);
      expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
      expect(JSON.stringify(answer.body)).toContain(field);
    }
    const dsp = await service.token({ party: 'DSP', partyType: 'dsp' });
    expect((await service.call('POST', '/webhooks', dsp, { url: 'https://hooks.example.org/x', events: ['thing.happened'] })).status).toBe(403);
    expect((await service.call('POST', '/webhooks', undefined, { url: 'https://hooks.example.org/x', events: ['thing.happened'] })).status).toBe(401);
    expect(await service.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'webhook-%'`)).toEqual(before);

    // At most three active subscriptions a party (TEST_WEBHOOK_ENV); removing one makes room.
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await subscribe(secas2, `/limit-${i}`)).id);
    const over = await service.call('POST', '/webhooks', secas2, { url: receiver.url('/limit-3'), events: ['thing.happened'] });
    expect(over).toMatchObject({ status: 422, body: { code: 'WEBHOOK_LIMIT_REACHED' } });
    await unsubscribe(secas2, ids[0]);
    ids[0] = (await subscribe(secas2, '/limit-3')).id;
    for (const id of ids) await unsubscribe(secas2, id);
  });

  it('holds the limit when a party subscribes many times at once', async () => {
    const secas3 = await service.token({ party: 'SECAS-3', partyType: 'secas' });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => service.call('POST', '/webhooks', secas3, { url: receiver.url(`/burst-${i}`), events: ['thing.happened'] })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 422, 422, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422)) expect(refused.body).toMatchObject({ code: 'WEBHOOK_LIMIT_REACHED' });
    // Nothing half-stored for the refused ones: three subscriptions, three streams.
    expect(await service.dataSource.query(`SELECT count(*)::int AS n FROM webhook_subscriptions WHERE party_id = 'SECAS-3' AND active`)).toEqual([{ n: 3 }]);
    const ids = answers.filter((a) => a.status === 201).map((a) => (a.body as { id: string }).id);
    expect(await service.dataSource.query(`SELECT count(DISTINCT stream_id)::int AS n FROM events WHERE stream_id = ANY($1)`, [ids.map((id) => `webhook-${id}`)])).toEqual([{ n: 3 }]);
    for (const id of ids) await unsubscribe(secas3, id);
  });

  it('never delivers one event twice to a subscription, across a restart and a rebuild of the reaction', async () => {
    const { id } = await subscribe(secas, '/once');
    const first = await service.thingHappened(8);
    await receiver.waitFor('/once', 1);
    await logWhere(id, (log) => log[0]?.status === 'delivered', 'the first delivery recorded');

    await service.stop();
    service = await startWebhookTestService(database.url, topicPrefix);
    await service.lifecycle.startProjectionRebuild(WEBHOOK_REACTION_NAME);
    await waitFor(async () => !(await service.lifecycle.projectionRebuildProgress(WEBHOOK_REACTION_NAME)).rebuilding, 20_000, 'the rebuild to finish');

    const second = await service.thingHappened(9);
    const arrivals = await receiver.waitFor('/once', 2);
    // The second event arriving means the dispatcher ran after the rebuild: the first would have come before it.
    expect(arrivals.map((a) => JSON.parse(a.body).id)).toEqual([first, second]);
    expect((await deliveries(id)).map((d) => d.eventId)).toEqual([second, first]);
    await unsubscribe(secas, id);
  });

  it('sends nothing to a subscription removed before the event', async () => {
    const gone = await subscribe(secas, '/gone');
    await unsubscribe(secas, gone.id);
    const live = await subscribe(secas, '/live');
    await service.thingHappened(10);
    await receiver.waitFor('/live', 1);
    expect(await deliveries(gone.id)).toEqual([]);
    expect(receiver.received('/gone')).toEqual([]);
    await unsubscribe(secas, live.id);
  });
});
