import { given } from '@smi/decider';
import { SubscribeWebhook, UnsubscribeWebhook, WebhookSubscribed, webhookSubscriptionDecider, WebhookUnsubscribed } from './subscription.decider';

const OFFERS = [
  { name: 'release.cut', partyTypes: ['secas'] as const },
  { name: 'change-feed', partyTypes: ['dcc', 'supplier', 'manufacturer', 'csp', 'secas', 'network'] as const },
];

const subscribe = (overrides: Partial<SubscribeWebhook> = {}): SubscribeWebhook => ({
  type: 'SubscribeWebhook',
  subscriptionId: 'sub-1',
  partyId: 'SECAS',
  partyType: 'secas',
  url: 'https://hooks.example.org/smi',
  events: ['release.cut'],
  secretFingerprint: '0123456789abcdef',
  at: '2026-12-05T09:00:00.000Z',
  offers: OFFERS,
  allowLoopbackHttp: false,
  activeForParty: 0,
  maxPerParty: 3,
  ...overrides,
});

const subscribed: WebhookSubscribed = {
  type: 'WebhookSubscribed',
  subscriptionId: 'sub-1',
  partyId: 'SECAS',
  partyType: 'secas',
  url: 'https://hooks.example.org/smi',
  events: ['release.cut'],
  secretFingerprint: '0123456789abcdef',
  subscribedAt: '2026-12-05T09:00:00.000Z',
};

const unsubscribe = (overrides: Partial<UnsubscribeWebhook> = {}): UnsubscribeWebhook => ({
  type: 'UnsubscribeWebhook',
  subscriptionId: 'sub-1',
  partyId: 'SECAS',
  partyType: 'secas',
  operator: false,
  at: '2026-12-06T09:00:00.000Z',
  ...overrides,
});

const unsubscribed: WebhookUnsubscribed = { type: 'WebhookUnsubscribed', subscriptionId: 'sub-1', partyId: 'SECAS', byPartyId: 'SECAS', unsubscribedAt: '2026-12-06T09:00:00.000Z' };

describe('webhook subscriptions (decider)', () => {
  it('subscribes a party to webhooks its type may receive', () => {
    given(webhookSubscriptionDecider, []).when(subscribe()).then([subscribed]);
  });

  it('records each webhook once when the same one is named twice', () => {
    given(webhookSubscriptionDecider, [])
      .when(subscribe({ events: ['release.cut', 'change-feed', 'release.cut'] }))
      .then([{ ...subscribed, events: ['release.cut', 'change-feed'] }]);
  });

  it('refuses a webhook the party type may not receive, naming the field (403)', () => {
    const error = given(webhookSubscriptionDecider, [])
      .when(subscribe({ partyId: 'MAN-1', partyType: 'manufacturer', events: ['change-feed', 'release.cut'] }))
      .thenThrows('FORBIDDEN_WEBHOOK_EVENTS');
    expect(error.details).toMatchObject({ field: 'events', refused: ['release.cut'] });
  });

  it('refuses a webhook this service does not offer (400)', () => {
    const error = given(webhookSubscriptionDecider, []).when(subscribe({ events: ['case.waiting'] })).thenThrows('INVALID_WEBHOOK_EVENTS');
    expect(error.details).toMatchObject({ field: 'events', unknown: ['case.waiting'] });
  });

  it('refuses an empty list of webhooks', () => {
    given(webhookSubscriptionDecider, []).when(subscribe({ events: [] })).thenThrows('INVALID_WEBHOOK_EVENTS');
  });

  it.each([
    ['http://hooks.example.org/smi', 'must be https'],
    ['ftp://hooks.example.org/smi', 'must be https'],
    ['https://user:pass@hooks.example.org/smi', 'must not carry credentials (user or password)'],
    ['https://token@hooks.example.org/smi', 'must not carry credentials (user or password)'],
    ['hooks.example.org/smi', 'must be an absolute https URL'],
    ['http://127.0.0.1:8080/smi', 'must be https'],
  ])('refuses the url %s: %s', (url, reason) => {
    const error = given(webhookSubscriptionDecider, []).when(subscribe({ url })).thenThrows('INVALID_WEBHOOK_URL');
    expect(error.details).toEqual({ field: 'url', reason });
  });

  it('allows plain http to loopback only when the service allows it, and never to another host', () => {
    for (const url of ['http://127.0.0.1:8080/smi', 'http://localhost:1/x', 'http://[::1]:9/x']) {
      given(webhookSubscriptionDecider, []).when(subscribe({ url, allowLoopbackHttp: true })).then([{ ...subscribed, url }]);
    }
    const error = given(webhookSubscriptionDecider, []).when(subscribe({ url: 'http://10.0.0.1/smi', allowLoopbackHttp: true })).thenThrows('INVALID_WEBHOOK_URL');
    expect(error.details).toMatchObject({ field: 'url' });
  });

  it('refuses a subscription past the per-party limit', () => {
    given(webhookSubscriptionDecider, []).when(subscribe({ activeForParty: 3 })).thenThrows('WEBHOOK_LIMIT_REACHED');
  });

  it('never records a second subscription on the same stream', () => {
    given(webhookSubscriptionDecider, [subscribed]).when(subscribe()).thenThrows('WEBHOOK_EXISTS');
  });

  it('lets the subscriber remove it, once', () => {
    given(webhookSubscriptionDecider, [subscribed]).when(unsubscribe()).then([unsubscribed]);
    given(webhookSubscriptionDecider, [subscribed, unsubscribed]).when(unsubscribe()).thenNothingHappens();
  });

  it('answers another party as if the subscription did not exist', () => {
    given(webhookSubscriptionDecider, [subscribed]).when(unsubscribe({ partyId: 'SUP-1', partyType: 'supplier' })).thenThrows('WEBHOOK_NOT_FOUND');
    given(webhookSubscriptionDecider, [subscribed]).when(unsubscribe({ partyId: 'DCC', partyType: 'dcc' })).thenThrows('WEBHOOK_NOT_FOUND');
    given(webhookSubscriptionDecider, []).when(unsubscribe()).thenThrows('WEBHOOK_NOT_FOUND');
  });

  it('lets a DCC operator remove any subscription, recording who did', () => {
    given(webhookSubscriptionDecider, [subscribed])
      .when(unsubscribe({ partyId: 'DCC', partyType: 'dcc', operator: true }))
      .then([{ ...unsubscribed, byPartyId: 'DCC' }]);
  });
});
