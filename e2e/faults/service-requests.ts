// SR12.2 / SR8.4 traffic to the inventory over Kafka and over HTTP, and the ledger that counts, for every
// RequestID sent, whether it was answered, how many times its effect was stored and whether that was published.
import { ESME_DETAILS, PARTIES, senderOf } from '../support/inventory';
import { call, FaultSystem, TopicMessage } from './infra';
import { Figures } from './figures';

export const SUPPLIER = PARTIES.supplierA;

/** `count` distinct Device IDs for a scenario, e.g. 00-DB-00-07-00-00-00-2A. */
export function devices(scenario: number, count: number): string[] {
  const hex = (n: number) => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return Array.from({ length: count }, (_, i) => `00-DB-00-${hex(scenario)}-00-${hex(i >> 16)}-${hex(i >> 8)}-${hex(i)}`);
}

export class ServiceRequestTraffic {
  /** Every RequestID sent, whatever the channel, with its device. */
  readonly sent = new Map<string, { deviceId: string; channel: 'kafka' | 'http' }>();
  private counter = 0;
  produceRetries = 0;
  httpRetries = 0;

  constructor(
    private readonly system: FaultSystem,
    /** Makes this traffic's RequestID counters its own (they must be decimal). */
    private readonly tag: number,
  ) {}

  private nextId(deviceId: string): string {
    return `${SUPPLIER.sub}:${deviceId}:${this.tag * 1_000_000 + ++this.counter}`;
  }

  /** SR12.2 for each device, 20 to a produce (a flow, not one burst). */
  async preNotify(deviceIds: string[]): Promise<void> {
    await this.produceAll(deviceIds.map((deviceId) => ({ serviceReference: '12.2', requestId: this.nextId(deviceId), deviceId, ...ESME_DETAILS, sender: senderOf('supplierA') })));
  }

  /** SR8.4 setting the ESME Variant of each device, over Kafka. */
  async update(deviceIds: string[], esmeVariant: string, encode: (command: object) => string = JSON.stringify): Promise<void> {
    const commands = deviceIds.map((deviceId) => ({ serviceReference: '8.4', requestId: this.nextId(deviceId), deviceId, changes: { esmeVariant }, sender: senderOf('supplierA') }));
    await this.produceAll(commands, encode);
  }

  private async produceAll(commands: Array<{ requestId: string; deviceId: string }>, encode: (command: object) => string = JSON.stringify): Promise<void> {
    for (let i = 0; i < commands.length; i += 20) {
      const chunk = commands.slice(i, i + 20);
      for (const c of chunk) this.sent.set(c.requestId, { deviceId: c.deviceId, channel: 'kafka' });
      const attempts = await this.system.produce(
        this.system.topic('inventory.service-requests'),
        chunk.map((c) => ({ key: c.deviceId, value: encode(c) })),
      );
      this.produceRetries += attempts - 1;
    }
  }

  /**
   * SR8.4 over HTTP, `concurrency` at a time, each retried with the same RequestID until it gets a 200: what a
   * careful client does when the service or its database is away.
   */
  async updateOverHttp(url: () => string, deviceIds: string[], esmeVariant: string, concurrency = 8): Promise<void> {
    const token = await this.system.token({ sub: SUPPLIER.sub, party: SUPPLIER.party, partyType: 'supplier', roles: SUPPLIER.roles });
    const queue = [...deviceIds];
    const worker = async () => {
      for (let deviceId = queue.shift(); deviceId; deviceId = queue.shift()) {
        const requestId = this.nextId(deviceId);
        this.sent.set(requestId, { deviceId, channel: 'http' });
        for (let attempt = 0; ; attempt++) {
          const answer = await call('POST', `${url()}/service-requests/8.4`, token, { requestId, deviceId, changes: { esmeVariant } });
          if (answer.status === 200) break;
          if (attempt > 600) throw new Error(`SR8.4 ${requestId} never answered: ${answer.status} ${JSON.stringify(answer.body)}`);
          this.httpRetries += 1;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Reads the answers until every Kafka RequestID has one (or the timeout). */
  async answers(timeoutMs = 180_000): Promise<TopicMessage[]> {
    const expected = [...this.sent].filter(([, s]) => s.channel === 'kafka').map(([id]) => id);
    return this.system.readTopic(
      this.system.topic('inventory.service-responses'),
      (messages) => {
        const keys = new Set(messages.map((m) => m.key));
        return expected.every((id) => keys.has(id));
      },
      timeoutMs,
    );
  }

  /**
   * The figures: every RequestID answered (Kafka: on the responses topic; HTTP: a 200 was required), its
   * outcome stored once per event type, and every stored event published on inventory.events.
   */
  async account(responses: TopicMessage[]): Promise<Pick<Figures, 'sent' | 'answered' | 'stored' | 'published' | 'lost' | 'duplicated' | 'notes'>> {
    const notes: string[] = [];
    const stored = await this.system.query<{ request_id: string; event_type: string; n: number; event_ids: string[] }>(
      'inventory',
      `SELECT data->>'requestId' AS request_id, event_type, count(*)::int AS n, array_agg(event_id::text) AS event_ids FROM events GROUP BY 1, 2`,
    );
    const storedIds = new Set(stored.map((r) => r.request_id));
    const duplicates = stored.filter((r) => r.n > 1 && this.sent.has(r.request_id));
    for (const d of duplicates.slice(0, 5)) notes.push(`${d.request_id}: ${d.event_type} stored ${d.n} times`);

    const bodies = new Map<string, Set<string>>();
    for (const m of responses) if (m.key) bodies.set(m.key, (bodies.get(m.key) ?? new Set()).add(m.value));
    const inconsistent = [...bodies].filter(([id, b]) => this.sent.has(id) && b.size > 1);
    for (const [id, b] of inconsistent.slice(0, 5)) notes.push(`${id} answered differently: ${[...b].join(' / ')}`);

    const unanswered = [...this.sent].filter(([id, s]) => s.channel === 'kafka' && !bodies.has(id)).map(([id]) => id);
    const unstored = [...this.sent.keys()].filter((id) => !storedIds.has(id));
    for (const id of unanswered.slice(0, 5)) notes.push(`${id}: no answer on the responses topic`);
    for (const id of unstored.slice(0, 5)) notes.push(`${id}: nothing stored`);

    const published = new Set((await this.system.readTopic(this.system.topic('inventory.events'))).map((m) => m.headers.ce_id));
    const allEvents = stored.flatMap((r) => r.event_ids);
    const unpublished = allEvents.filter((id) => !published.has(id));
    for (const id of unpublished.slice(0, 5)) notes.push(`event ${id}: stored, never published`);

    return {
      sent: this.sent.size,
      answered: [...this.sent].filter(([id, s]) => s.channel === 'http' || bodies.has(id)).length,
      stored: allEvents.length,
      published: allEvents.length - unpublished.length,
      lost: new Set([...unanswered, ...unstored]).size + unpublished.length,
      duplicated: duplicates.reduce((sum, d) => sum + d.n - 1, 0) + inconsistent.length,
      notes,
    };
  }
}
