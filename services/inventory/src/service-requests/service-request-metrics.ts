import { metricsMeter } from '@smi/telemetry';
import type { RequestChannel } from '../device-aggregate';

const KNOWN_SR_TYPES = new Set(['12.2', '8.4']);

/** What a malformed request is answered: not a DUIS code, so a label value of its own. */
export const MALFORMED = 'MALFORMED';

const answered = metricsMeter('inventory').createCounter('inventory_service_requests_answered', {
  description: 'Service Requests answered, by SR type, response code and channel (a repeated RequestID answered again counts again)',
});

/**
 * Counts one answer. The SR type of a malformed message is whatever it said, so anything but a known SR is `unknown`:
 * a label must not take values a sender chooses. No sender, device or request id is a label.
 */
export function countServiceRequestAnswer(serviceReference: string | null, responseCode: string, channel: RequestChannel): void {
  answered.add(1, {
    sr_type: serviceReference !== null && KNOWN_SR_TYPES.has(serviceReference) ? serviceReference : 'unknown',
    response_code: responseCode,
    channel,
  });
}
