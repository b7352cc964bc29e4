import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { producerStateLost } from './kafka-client';

// kafkajs's error for broker error code 45, as a produce request after a broker crash receives it.
const outOfOrder = () => new KafkaJSProtocolError({ type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45, retriable: false, message: 'The broker received an out of order sequence number' } as never);

describe('producerStateLost', () => {
  it('recognises the broker refusing a producer whose sequence it no longer knows, also when wrapped', () => {
    expect(producerStateLost(outOfOrder())).toBe(true);
    expect(producerStateLost(new KafkaJSNumberOfRetriesExceeded(outOfOrder(), { retryCount: 5, retryTime: 1000 }))).toBe(true);
    expect(producerStateLost(new KafkaJSProtocolError({ type: 'UNKNOWN_PRODUCER_ID', code: 59, retriable: false, message: 'unknown producer id' } as never))).toBe(true);
  });

  it('leaves other failures to the ordinary retries', () => {
    expect(producerStateLost(new KafkaJSProtocolError({ type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true, message: 'not leader' } as never))).toBe(false);
    expect(producerStateLost(new Error('connection refused'))).toBe(false);
    expect(producerStateLost(undefined)).toBe(false);
  });
});
