import { CreateNetworkAccessGrants1735000000000 } from './access';
import { CreateReleases1736000000000 } from './releases';
import { WEBHOOK_MIGRATIONS } from '@smi/webhooks';

/**
 * This service's own schema changes, in order; the platform's shared tables come first. The read models of the
 * defects database are not here: they are projections, whose tables the projection runner creates and rebuilds
 * (defect-catalogue/, data-supply/).
 */
export const PUBLICATION_MIGRATIONS: Array<new () => unknown> = [CreateNetworkAccessGrants1735000000000, CreateReleases1736000000000, ...WEBHOOK_MIGRATIONS];
