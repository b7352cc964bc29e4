import { eventSchemaErrors } from '@smi/contracts';
import { submissionRecorded, submissionStreamId } from './submission-events';
import { SubmissionReport } from './submission-report';

const report: SubmissionReport = {
  submissionId: '0b7c6a8e-1d7f-4c59-9a55-5f0e3f3c2a11',
  dryRun: false,
  provider: 'MFR-VANTAGE',
  providerPartyType: 'manufacturer',
  submittedBy: 'v-user',
  fileName: 'manufacturer-messy-cp1252.csv',
  format: 'csv',
  encoding: 'windows-1252',
  byteCount: 1038,
  rows: 9,
  counts: { accepted: 2, unchanged: 0, revised: 0, rejected: 7 },
  possibleDuplicates: 0,
  receivedAt: '2026-11-25T10:00:00.000Z',
  rejections: [{ row: 3, column: 'Device Type', code: 'UNKNOWN_DEVICE_TYPE', reason: 'Device Type "Smart Meter" is not in the glossary' }],
  rejectionsTotal: 7,
  nextCursor: null,
};

describe('SubmissionRecorded', () => {
  it('carries the counts and the number of problems, not the problems themselves', () => {
    const { type, ...data } = submissionRecorded(report);
    expect(type).toBe('SubmissionRecorded');
    // The problems, the uploader and the dry-run flag stay out; two fields are renamed; the rest is carried as it is.
    const { provider, rejectionsTotal, rejections: _rejections, nextCursor: _nextCursor, submittedBy: _submittedBy, dryRun: _dryRun, ...carried } = report;
    expect(data).toEqual({ ...carried, providerPartyId: provider, rejectionCount: rejectionsTotal });
    expect(submissionStreamId(report.submissionId)).toBe(`submission-${report.submissionId}`);
  });

  it.each([
    ['a CSV file', report],
    ['an .xlsx workbook without a file name', { ...report, format: 'xlsx' as const, encoding: null, fileName: null, providerPartyType: 'csp' as const }],
  ])('validates against contracts/events/intake for %s', (_what, source) => {
    const { type, ...data } = submissionRecorded(source);
    expect(eventSchemaErrors('intake', type, 1, data)).toEqual([]);
  });
});
