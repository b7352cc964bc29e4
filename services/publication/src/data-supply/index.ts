import { dataRequestsProjection } from './data-requests.projection';
import { partiesProjection } from './parties.projection';
import { submissionsReceivedProjection } from './submissions-received.projection';

export { dataRequestsProjection, partiesProjection, submissionsReceivedProjection };
export { nonSuppliersIn, Period, submissionsIn } from './data-supply.queries';

/** What providers were asked for and supplied, from publication's copies of intake's events (intake-feed/). */
export const DATA_SUPPLY_PROJECTIONS = [partiesProjection, dataRequestsProjection, submissionsReceivedProjection];
