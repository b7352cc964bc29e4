import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage } from '@smi/kafka';
import { submissionFrom } from './submission-fulfilment.consumer';

const message = (value: unknown, headers: Record<string, string> = {}): IncomingMessage => ({
  topic: 'intake.events',
  partition: 0,
  offset: '7',
  key: 'submission-1',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: { ce_type: 'SubmissionRecorded', ...headers },
  timestamp: '0',
});

describe('reading SubmissionRecorded for fulfilment', () => {
  it('takes the provider, the submission and when it was received, ignoring the rest', () => {
    expect(submissionFrom(message({ submissionId: 'S-1', providerPartyId: 'MFR-NW', receivedAt: '2026-04-01T09:15:00Z', rows: 3, counts: {} }))).toEqual({
      submissionId: 'S-1',
      providerPartyId: 'MFR-NW',
      receivedAt: '2026-04-01T09:15:00.000Z',
    });
  });

  it('falls back to the stream id for the submission id', () => {
    expect(submissionFrom(message({ providerPartyId: 'MFR-NW', receivedAt: '2026-04-01T09:15:00Z' }, { ce_subject: 'submission-abc' })).submissionId).toBe('abc');
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '42'],
    ['no provider', { submissionId: 'S', receivedAt: '2026-04-01T09:15:00Z' }],
    ['a bad provider id', { submissionId: 'S', providerPartyId: ' X', receivedAt: '2026-04-01T09:15:00Z' }],
    ['no receivedAt', { submissionId: 'S', providerPartyId: 'MFR-NW' }],
    ['a receivedAt that is only a date', { submissionId: 'S', providerPartyId: 'MFR-NW', receivedAt: '2026-04-01' }],
  ])('dead-letters a message with %s', (_what, value) => {
    expect(() => submissionFrom(message(value))).toThrow(PermanentMessageError);
  });
});
