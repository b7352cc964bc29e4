import { prometheusText } from '@smi/telemetry';
import { countServiceRequestAnswer, MALFORMED } from './service-request-metrics';

describe('inventory_service_requests_answered_total', () => {
  it('counts answers by SR type, response code and channel, and gives a sender no say over label values', async () => {
    countServiceRequestAnswer('8.4', 'E19', 'kafka');
    countServiceRequestAnswer('8.4', 'E19', 'kafka');
    countServiceRequestAnswer('12.2', 'I0', 'http');
    countServiceRequestAnswer('"; DROP 00-DB-12-34', MALFORMED, 'kafka');
    countServiceRequestAnswer(null, MALFORMED, 'kafka');
    const text = await prometheusText();
    expect(text).toContain('inventory_service_requests_answered_total{sr_type="8.4",response_code="E19",channel="kafka"} 2');
    expect(text).toContain('inventory_service_requests_answered_total{sr_type="12.2",response_code="I0",channel="http"} 1');
    expect(text).toContain('inventory_service_requests_answered_total{sr_type="unknown",response_code="MALFORMED",channel="kafka"} 2');
    expect(text).not.toContain('DROP');
  });
});
