import { CreateCatalogue1733000000000 } from './catalogue/catalogue.migration';
import { CaseQueueFilters1734500000000 } from './case-queue/case-queue.migration';
import { CreateCases1734000000000 } from './case-store';
import { CreateKnownParties1732000000000 } from './parties/known-parties.migration';
import { WEBHOOK_MIGRATIONS } from '@smi/webhooks';

/** This service's own schema changes, in order; the platform's shared tables come first. */
export const VERIFICATION_MIGRATIONS: Array<new () => unknown> = [
  CreateKnownParties1732000000000,
  CreateCatalogue1733000000000,
  CreateCases1734000000000,
  CaseQueueFilters1734500000000,
  ...WEBHOOK_MIGRATIONS,
];
