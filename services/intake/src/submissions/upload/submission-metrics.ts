import { SubmissionCounts } from '@smi/contracts';
import { metricsMeter } from '@smi/telemetry';

const rows = metricsMeter('intake').createCounter('intake_submission_rows', {
  description: 'Rows of recorded submission files, by outcome (accepted: new items; unchanged; revised; rejected); rate() is rows per second',
});

/** Counts a recorded file's rows by outcome; a dry run records nothing and is not counted. */
export function countSubmissionRows(counts: SubmissionCounts): void {
  for (const outcome of ['accepted', 'unchanged', 'revised', 'rejected'] as const) rows.add(counts[outcome], { outcome });
}
