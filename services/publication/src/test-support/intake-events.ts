import {
  DataRequestFulfilledData,
  DataRequestIssuedData,
  DataRequestOverdueData,
  PartyDetailsChangedData,
  PartyRegisteredData,
  RegisteredPartyType,
  SubmissionRecordedData,
} from '@smi/contracts';
import { randomUUID } from 'node:crypto';
import { PublisherTopic } from './publisher-topic';

/*
 * Intake's events as intake publishes them on intake.events (publisher-topic.ts), each checked against its contract
 * before it is sent: what publication consumes in these tests is what the real intake service would send. Only what
 * releases read: parties, submissions recorded, data requests.
 */

const ADMIN = { userId: 'dcc-admin', partyId: 'DCC', partyType: 'dcc', roles: ['registry.admin'] };

/** Sends intake's events to `<prefix>.intake.events` as intake's relay would, one builder a kind of event. */
export class IntakeTopic extends PublisherTopic {
  constructor(topicPrefix: string) {
    super(topicPrefix, 'intake', () => ({ correlationId: `req-${randomUUID()}`, actor: ADMIN }));
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
}
