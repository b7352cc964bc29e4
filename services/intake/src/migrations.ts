import { CreateDataRequestsReadModel1733000000300 } from './data-requests/data-requests.migration';
import { CreateFixesReadModel1733000000200 } from './fixes/fixes.migration';
import { CreateItemsReadModel1732000000000 } from './items/items.migration';
import { CreatePartiesReadModel1731000000000 } from './parties/parties.migration';
import { CreateReportsReadModel1733000000100 } from './reports/reports.migration';
import { CreateSubmissionsReadModel1732000000001 } from './submissions/record/submissions.migration';
import { WEBHOOK_MIGRATIONS } from '@smi/webhooks';

/** This service's own schema changes, in order; the platform's shared tables come first. */
export const INTAKE_MIGRATIONS: Array<new () => unknown> = [
  CreatePartiesReadModel1731000000000,
  CreateItemsReadModel1732000000000,
  CreateSubmissionsReadModel1732000000001,
  CreateReportsReadModel1733000000100,
  CreateFixesReadModel1733000000200,
  CreateDataRequestsReadModel1733000000300,
  ...WEBHOOK_MIGRATIONS,
];
