import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { whileTopicsSettle } from './kafka-client';

// The error a metadata request answers while any topic of the cluster is still being created.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };
const unknownTopicOrPartition = () => new KafkaJSProtocolError(createErrorFromCode(3));

describe('whileTopicsSettle: metadata operations during another process’s topic creation', () => {
  it('tries again while the cluster answers a retriable error, and returns the first success', async () => {
    let calls = 0;
    const result = await whileTopicsSettle(async () => {
      calls++;
      if (calls < 3) throw unknownTopicOrPartition();
      return ['intake.events'];
    }, 5_000);
    expect({ result, calls }).toEqual({ result: ['intake.events'], calls: 3 });
  });

  it('also sees through kafkajs giving up its own retries on a retriable error', async () => {
    let calls = 0;
    await whileTopicsSettle(async () => {
      if (++calls === 1) throw new KafkaJSNumberOfRetriesExceeded(unknownTopicOrPartition(), { retryCount: 5, retryTime: 100 });
    }, 5_000);
    expect(calls).toBe(2);
  });

  it('fails at once on an error that retrying cannot mend', async () => {
    let calls = 0;
    const refused = whileTopicsSettle(async () => {
      calls++;
      throw new KafkaJSNonRetriableError('Topic authorization failed');
    }, 5_000);
    await expect(refused).rejects.toThrow('Topic authorization failed');
    expect(calls).toBe(1);
  });

  it('gives up with the last error once the wait is over', async () => {
    await expect(whileTopicsSettle(async () => Promise.reject(unknownTopicOrPartition()), 250)).rejects.toThrow(
      'This server does not host this topic-partition',
    );
  });
});
