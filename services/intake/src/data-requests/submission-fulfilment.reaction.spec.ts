import { RecordedEvent } from '@smi/event-store';
import { UnreadableEventError } from '@smi/projections';
import { submissionFrom } from './submission-fulfilment.reaction';

const stored = (data: unknown, streamId = 'submission-1'): RecordedEvent => ({
  position: '7',
  transactionId: '100',
  streamId,
  streamVersion: 1,
  eventId: '00000000-0000-4000-8000-000000000007',
  type: 'SubmissionRecorded',
  schemaVersion: 1,
  data,
  metadata: { correlationId: 'upload-1', sourceService: 'intake' },
  recordedAt: new Date('2026-04-01T09:15:01Z'),
});

describe('reading a stored SubmissionRecorded for fulfilment', () => {
  it('takes the provider, the submission and when it was received, ignoring the rest', () => {
    expect(submissionFrom(stored({ submissionId: 'S-1', providerPartyId: 'MFR-NW', receivedAt: '2026-04-01T09:15:00Z', rows: 3, counts: {} }))).toEqual({
      submissionId: 'S-1',
      providerPartyId: 'MFR-NW',
      receivedAt: '2026-04-01T09:15:00.000Z',
    });
  });

  it('falls back to the stream id for the submission id', () => {
    expect(submissionFrom(stored({ providerPartyId: 'MFR-NW', receivedAt: '2026-04-01T09:15:00Z' }, 'submission-abc')).submissionId).toBe('abc');
  });

  it.each([
    ['data that is not an object', 42],
    ['data that is null', null],
    ['data that is an array', [1]],
    ['no provider', { submissionId: 'S', receivedAt: '2026-04-01T09:15:00Z' }],
    ['a bad provider id', { submissionId: 'S', providerPartyId: ' X', receivedAt: '2026-04-01T09:15:00Z' }],
    ['no receivedAt', { submissionId: 'S', providerPartyId: 'MFR-NW' }],
    ['a receivedAt that is only a date', { submissionId: 'S', providerPartyId: 'MFR-NW', receivedAt: '2026-04-01' }],
  ])('finds an event with %s unreadable', (_what, data) => {
    expect(() => submissionFrom(stored(data))).toThrow(UnreadableEventError);
  });

  it('finds an event with no submission id and a stream not named after one unreadable', () => {
    expect(() => submissionFrom(stored({ providerPartyId: 'MFR-NW', receivedAt: '2026-04-01T09:15:00Z' }, 'submission-'))).toThrow(UnreadableEventError);
  });
});
