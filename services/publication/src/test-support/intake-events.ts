import {
  DataRequestFulfilledData,
  DataRequestIssuedData,
  DataRequestOverdueData,
  PartyDetailsChangedData,
  eventSchemaErrors,
  PartyRegisteredData,
  RegisteredPartyType,
  SubmissionRecordedData,
} from '@smi/contracts';
import { KafkaClient, MessageProducer, topicName } from '@smi/kafka';
import { testKafkaBrokers, uniqueName } from '@smi/testing';
import { randomUUID } from 'node:crypto';

/*
 * Intake's events as intake publishes them on intake.events (CloudEvents headers, the data as JSON keyed by
 * stream), each checked against its contract before it is sent: what publication consumes in these tests is what
 * the real intake service would send. Only what releases read: parties, submissions recorded, data requests.
 */

const ADMIN = { userId: 'dcc-admin', partyId: 'DCC', partyType: 'dcc', roles: ['registry.admin'] };

export interface IntakeEvent {
  type: string;
  data: object;
}

export class IntakeTopic {
  private readonly client = new KafkaClient({ brokers: testKafkaBrokers(), clientId: uniqueName('intake-fake') });
  private producer?: MessageProducer;
  private readonly versions = new Map<string, number>();
  private position = 0;
  /** Every message sent. */
  readonly sent: Array<{ key: string; value: string; headers: Record<string, string> }> = [];

  constructor(private readonly topicPrefix: string) {}

  get topic(): string {
    return topicName(this.topicPrefix, 'intake.events');
  }

  async send(streamId: string, events: IntakeEvent[]): Promise<void> {
    this.producer ??= await this.client.producer();
    const messages = events.map((event) => {
      const errors = eventSchemaErrors('intake', event.type, 1, event.data);
      if (errors.length > 0) throw new Error(`test event ${event.type} breaks intake's contract: ${errors.join('; ')}`);
      const version = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, version);
      this.position += 1;
      return {
        key: streamId,
        value: JSON.stringify(event.data),
        headers: {
          ce_specversion: '1.0',
          ce_id: randomUUID(),
          ce_type: event.type,
          ce_source: 'urn:smi:service:intake',
          ce_subject: streamId,
          ce_time: new Date().toISOString(),
          'content-type': 'application/json',
          correlation_id: `req-${randomUUID()}`,
          actor: JSON.stringify(ADMIN),
          stream_version: String(version),
          schema_version: '1',
          event_position: String(this.position),
        },
      };
    });
    this.sent.push(...messages);
    await this.producer.send(this.topic, messages);
  }

  /** The same messages again, as a relay repeating a batch would send them. */
  async resend(messages: Array<{ key: string; value: string; headers: Record<string, string> }>): Promise<void> {
    this.producer ??= await this.client.producer();
    await this.producer.send(this.topic, messages);
  }

  async registerParty(partyId: string, name: string, partyType: RegisteredPartyType): Promise<void> {
    const data: PartyRegisteredData = { partyId, name, partyType, makes: [], registeredAt: '2026-06-01T09:00:00.000Z' };
    await this.send(`party-${partyId}`, [{ type: 'PartyRegistered', data }]);
  }

  async renameParty(partyId: string, name: string, previous: string): Promise<void> {
    const data: PartyDetailsChangedData = { partyId, name, makes: [], previous: { name: previous, makes: [] }, changedAt: '2026-07-01T09:00:00.000Z' };
    await this.send(`party-${partyId}`, [{ type: 'PartyDetailsChanged', data }]);
  }

  async issueDataRequest(requestId: string, providerPartyId: string, agreedDeliveryDate: string, providerPartyType: 'manufacturer' | 'csp' = 'manufacturer'): Promise<void> {
    const data: DataRequestIssuedData = { requestId, providerPartyId, providerPartyType, agreedDeliveryDate, note: null, issuedAt: '2026-06-15T09:00:00.000Z' };
    await this.send(`data-request-${requestId}`, [{ type: 'DataRequestIssued', data }]);
  }

  async markOverdue(requestId: string, providerPartyId: string, agreedDeliveryDate: string, lastDeliveryDay: string, overdueSince: string): Promise<void> {
    const data: DataRequestOverdueData = { requestId, providerPartyId, agreedDeliveryDate, lastDeliveryDay, overdueSince, workingDaysAllowed: 15, detectedAt: `${overdueSince}T00:05:00.000Z` };
    await this.send(`data-request-${requestId}`, [{ type: 'DataRequestOverdue', data }]);
  }

  /** A provider's file received (SubmissionRecorded), fulfilling its request. */
  async supply(requestId: string, providerPartyId: string, receivedAt: string, options: { late?: boolean; providerPartyType?: 'manufacturer' | 'csp' } = {}): Promise<void> {
    const { late = false, providerPartyType = 'manufacturer' } = options;
    const submissionId = randomUUID();
    const recorded: SubmissionRecordedData = {
      submissionId,
      providerPartyId,
      providerPartyType,
      fileName: 'defects.csv',
      format: 'csv',
      encoding: 'utf-8',
      byteCount: 2048,
      rows: 12,
      counts: { accepted: 12, unchanged: 0, revised: 0, rejected: 0 },
      possibleDuplicates: 0,
      rejectionCount: 0,
      receivedAt,
    };
    await this.send(`submission-${submissionId}`, [{ type: 'SubmissionRecorded', data: recorded }]);
    const fulfilled: DataRequestFulfilledData = { requestId, providerPartyId, submissionId, receivedAt, late, fulfilledAt: receivedAt };
    await this.send(`data-request-${requestId}`, [{ type: 'DataRequestFulfilled', data: fulfilled }]);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.client.disconnect();
  }
}
