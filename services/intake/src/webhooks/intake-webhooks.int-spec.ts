import { loadConfig } from '@smi/config';
import { ServicePlatformModule } from '@smi/service-runtime';
import { NestTestApp, startNestTestApp, testKafkaBrokers, WebhookReceiver } from '@smi/testing';
import { isWebhookEvent, verifyWebhookSignature, WebhooksModule } from '@smi/webhooks';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { DataRequestView } from '../data-requests/data-requests.dto';
import { DataRequestsModule } from '../data-requests/data-requests.module';
import { deliveryWindow } from '../data-requests/delivery-window';
import { OverdueScheduler } from '../data-requests/overdue.scheduler';
import { AdjustableClock } from '../data-requests/test-support/intake-test-app';
import { INTAKE_MIGRATIONS } from '../migrations';
import { PartiesModule } from '../parties/parties.module';
import { IntakeSettings } from '../settings';
import { INTAKE_WEBHOOKS } from './intake-webhooks';

/** A data request run past its deadline on intake's real platform, told to SECAS's subscription and nobody else's. */
describe('intake webhooks: data request overdue (real PostgreSQL, real HTTP receiver)', () => {
  const clock = new AdjustableClock('2026-03-20T10:00:00Z');
  let intake: NestTestApp<IntakeSettings>;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    intake = await startNestTestApp({
      label: 'intake_hooks',
      settings: (database, topicPrefix) =>
        loadConfig(IntakeSettings, {
          INTAKE_DATABASE_URL: database.url,
          KAFKA_BROKERS: testKafkaBrokers().join(','),
          KAFKA_TOPIC_PREFIX: topicPrefix,
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
          NODE_ENV: 'test',
          WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
          WEBHOOK_DISPATCH_INTERVAL_MS: '50',
        }),
      imports: (settings, database) => [
        ServicePlatformModule.forRoot({
          serviceName: 'intake',
          settings,
          databaseUrl: database.url,
          migrations: INTAKE_MIGRATIONS,
          topics: { events: 'intake.events' },
          publishedEvents: (event) => !isWebhookEvent(event),
        }),
        PartiesModule,
        DataRequestsModule.register({ overdueCheckIntervalMs: 3_600_000, clock }),
        WebhooksModule.register(INTAKE_WEBHOOKS),
      ],
    });
    receiver = await WebhookReceiver.start();
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
    await receiver?.stop();
  });

  it('offers data-request.overdue to SECAS alone', async () => {
    const maker = await intake.token({ party: 'MFR-NW', partyType: 'manufacturer' });
    const refusedAtTheDoor = await intake.call('POST', '/webhooks', maker, { url: receiver.url('/no'), events: ['data-request.overdue'] });
    expect(refusedAtTheDoor).toMatchObject({ status: 403, body: { message: 'requires party type dcc or secas; caller is manufacturer' } });
    const dcc = await intake.token({ party: 'DCC', partyType: 'dcc' });
    const refused = await intake.call('POST', '/webhooks', dcc, { url: receiver.url('/no'), events: ['data-request.overdue'] });
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN_WEBHOOK_EVENTS', details: { field: 'events', reason: 'a dcc may not receive data-request.overdue' } } });
    const offered = await intake.call('GET', '/webhooks/offered', await intake.token({ party: 'SECAS', partyType: 'secas' }));
    expect(offered.body).toEqual({ webhooks: [{ name: 'data-request.overdue', description: expect.any(String), available: true }] });
  });

  it('tells SECAS when a provider lets a data request run overdue', async () => {
    const dcc = await intake.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    const secas = await intake.token({ party: 'SECAS', partyType: 'secas' });
    expect((await intake.call('POST', '/parties', dcc, { partyId: 'MFR-NW', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind'] })).status).toBe(201);
    const subscribed = await intake.call('POST', '/webhooks', secas, { url: receiver.url('/secas'), events: ['data-request.overdue'] });
    expect(subscribed.status).toBe(201);
    const { secret } = subscribed.body as { secret: string };

    const agreed = '2026-03-26';
    const issued = await intake.call('POST', '/data-requests', dcc, { providerPartyId: 'MFR-NW', agreedDeliveryDate: agreed });
    const { requestId } = issued.body as DataRequestView;
    const { overdueFrom, lastDeliveryDay } = deliveryWindow(agreed, new EnglandAndWalesBankHolidays());
    clock.set(`${overdueFrom}T08:00:00Z`);
    await intake.app.get(OverdueScheduler, { strict: false }).checkNow();

    const [arrival] = await receiver.waitFor('/secas', 1);
    expect(verifyWebhookSignature({ secret, body: arrival.body, timestamp: arrival.headers['x-smi-timestamp'] as string, signature: arrival.headers['x-smi-signature'] as string })).toBe(true);
    expect(arrival.headers['x-smi-event']).toBe('data-request.overdue');
    expect(JSON.parse(arrival.body)).toMatchObject({
      type: 'data-request.overdue',
      source: 'urn:smi:service:intake',
      subject: requestId,
      data: { requestId, providerPartyId: 'MFR-NW', agreedDeliveryDate: agreed, lastDeliveryDay, overdueSince: overdueFrom, workingDaysAllowed: 15 },
    });
  });
});
