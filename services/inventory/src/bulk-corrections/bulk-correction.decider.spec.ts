import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { BulkCorrectionAccepted, BulkCorrectionCompleted, BulkCorrectionFailed } from './bulk-correction-events';
import { AcceptBulkCorrection, FailBulkCorrection, RecordBulkCorrectionBatch, bulkCorrectionDecider } from './bulk-correction.decider';

const jobId = '3f0c2a4e-6a1b-4c1e-9a55-1f0d7c1e2b3a';
const sender = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier' as const, roles: ['IS'] };
const fileHash = 'b1946ac92492d2347c6235b4d2611184b1946ac92492d2347c6235b4d2611184';

const accept: AcceptBulkCorrection = { type: 'AcceptBulkCorrection', jobId, fileName: 'corrections.csv', fileHash, fileBytes: 2048, rows: 10, sender, at: '2026-05-01T09:30:00.000Z' };
const accepted: BulkCorrectionAccepted = {
  type: 'BulkCorrectionAccepted',
  jobId,
  fileName: 'corrections.csv',
  fileHash,
  fileBytes: 2048,
  rows: 10,
  sender,
  acceptedAt: '2026-05-01T09:30:00.000Z',
};

const batch = (processedRows: number, counts: Record<string, number> = { I0: processedRows }): RecordBulkCorrectionBatch => ({
  type: 'RecordBulkCorrectionBatch',
  jobId,
  processedRows,
  counts,
  repeated: 0,
  startedAt: '2026-05-01T09:30:00.120Z',
  at: '2026-05-01T09:31:00.000Z',
});
const lastBatch = batch(10, { I0: 8, E4: 1, MALFORMED: 1 });
const completed: BulkCorrectionCompleted = {
  type: 'BulkCorrectionCompleted',
  jobId,
  rows: 10,
  counts: { I0: 8, E4: 1, MALFORMED: 1 },
  repeated: 0,
  startedAt: '2026-05-01T09:30:00.120Z',
  finishedAt: '2026-05-01T09:31:00.000Z',
};

const fail: FailBulkCorrection = { type: 'FailBulkCorrection', jobId, processedRows: 4, reason: 'the stored file holds 4 rows, but 10 rows were accepted', at: '2026-05-01T09:32:00.000Z' };
const failed: BulkCorrectionFailed = {
  type: 'BulkCorrectionFailed',
  jobId,
  processedRows: 4,
  reason: 'the stored file holds 4 rows, but 10 rows were accepted',
  failedAt: '2026-05-01T09:32:00.000Z',
};

describe('bulk correction job rules', () => {
  describe('acceptance', () => {
    it('accepts a file that has been read whole: the job exists from here on', () => {
      given(bulkCorrectionDecider, []).when(accept).then([accepted]);
    });

    it('accepts a job once', () => {
      given(bulkCorrectionDecider, [accepted]).when(accept).thenThrows('BULK_CORRECTION_EXISTS');
    });
  });

  describe('batches of answers', () => {
    it('records nothing for a job that was never accepted', () => {
      given(bulkCorrectionDecider, []).when(batch(3)).thenThrows('BULK_CORRECTION_NOT_FOUND');
    });

    it('records no event for progress: the running totals are the job’s working state', () => {
      given(bulkCorrectionDecider, [accepted]).when(batch(3)).thenNothingHappens();
      given(bulkCorrectionDecider, [accepted]).when(batch(9)).thenNothingHappens();
    });

    it('completes the job with the batch that answers its last accepted row, with the totals of all its rows', () => {
      given(bulkCorrectionDecider, [accepted]).when(lastBatch).then([completed]);
    });

    it('refuses more answers than the job has rows', () => {
      given(bulkCorrectionDecider, [accepted]).when(batch(11)).thenThrows('BULK_CORRECTION_OVERRUN');
    });

    it('completes a job once: a batch after its completion (a restarted or duplicated worker) is refused', () => {
      given(bulkCorrectionDecider, [accepted, completed]).when(lastBatch).thenThrows('BULK_CORRECTION_COMPLETED');
      given(bulkCorrectionDecider, [accepted, completed]).when(batch(3)).thenThrows('BULK_CORRECTION_COMPLETED');
    });

    it('records nothing more for a failed job, and refuses its completion', () => {
      given(bulkCorrectionDecider, [accepted, failed]).when(batch(5)).thenThrows('BULK_CORRECTION_FAILED');
      given(bulkCorrectionDecider, [accepted, failed]).when(lastBatch).thenThrows('BULK_CORRECTION_FAILED');
    });
  });

  describe('failure', () => {
    it('fails an accepted job, saying how far it got and why', () => {
      given(bulkCorrectionDecider, [accepted]).when(fail).then([failed]);
    });

    it('fails nothing that was never accepted', () => {
      given(bulkCorrectionDecider, []).when(fail).thenThrows('BULK_CORRECTION_NOT_FOUND');
    });

    it('fails a job once, and never a completed one', () => {
      given(bulkCorrectionDecider, [accepted, failed]).when(fail).thenThrows('BULK_CORRECTION_FAILED');
      given(bulkCorrectionDecider, [accepted, completed]).when(fail).thenThrows('BULK_CORRECTION_COMPLETED');
    });
  });

  it('folds the job’s events into where it stands', () => {
    expect(given(bulkCorrectionDecider, []).state()).toEqual({ status: 'none' });
    expect(given(bulkCorrectionDecider, [accepted]).state()).toEqual({ status: 'accepted', rows: 10 });
    expect(given(bulkCorrectionDecider, [accepted, completed]).state()).toEqual({ status: 'completed', rows: 10 });
    expect(given(bulkCorrectionDecider, [accepted, failed]).state()).toEqual({ status: 'failed', rows: 10 });
  });

  it('decides events that keep to their published contracts', () => {
    for (const { type, ...data } of [accepted, completed, failed]) expect([type, eventSchemaErrors('inventory', type, 1, data)]).toEqual([type, []]);
  });
});
