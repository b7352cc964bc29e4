/*
 * kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch, ADR 0006) to encode a record's headers straight into
 * the record's buffer, and to hash keys for the default partitioner with 32-bit integer arithmetic instead of
 * Long objects. These tests hold the patched encoder to the bytes kafkajs's own, unpatched composition produces
 * (one Header encoder per header, copied in), the hash to the Java client's, and fail if `npm ci` did not apply
 * the patch.
 */
import { readFileSync } from 'node:fs';

interface KafkajsEncoder {
  writeInt8(value: number): KafkajsEncoder;
  writeVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number): KafkajsEncoder;
  writeVarIntBytes(value: unknown): KafkajsEncoder;
  writeVarIntArray(values: KafkajsEncoder[]): KafkajsEncoder;
  writeEncoder(value: KafkajsEncoder): KafkajsEncoder;
  size(): number;
  buffer: Buffer;
}
type Headers = Record<string, string | Buffer | null | Array<string | Buffer>>;
interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Headers;
}

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's protocol modules are internal and untyped */
const Encoder = require('kafkajs/src/protocol/encoder') as new () => KafkajsEncoder;
const Header = require('kafkajs/src/protocol/recordBatch/header/v0') as (h: { key: string; value: unknown }) => KafkajsEncoder;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: RecordInput) => KafkajsEncoder;
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;
const createPartitioner = require('kafkajs/src/producer/partitioners/default') as () => (args: {
  topic: string;
  partitionMetadata: Array<{ partitionId: number; leader: number }>;
  message: { key?: string | null; partition?: number };
}) => number;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The record as unpatched kafkajs 2.2.4 composes it, from its own Header encoder. */
function unpatched({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: RecordInput): Buffer {
  const pairs = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((one) => ({ key: k, value: one })) : [{ key: k, value: v }]));
  const body = new Encoder()
    .writeInt8(0)
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(key)
    .writeVarIntBytes(value)
    .writeVarIntArray(pairs.map(Header));
  return new Encoder().writeVarInt(body.size()).writeEncoder(body).buffer;
}

const CLOUD_EVENT_HEADERS: Headers = {
  ce_specversion: '1.0',
  ce_id: '3f0c2a4e-6a1b-4c1e-9a55-1f0d7c1e2b3a',
  ce_type: 'EsmeVariantCorrected',
  ce_source: 'urn:smi:service:inventory',
  ce_subject: 'device-00-DB-12-34-56-78-9A-BC',
  ce_time: '2026-11-25T16:30:00.000Z',
  'content-type': 'application/json',
  correlation_id: 'upload-1',
  stream_version: '7',
  schema_version: '1',
  event_position: '123456',
  causation_id: 'c4b9f0e2-1111-4a4a-9b9b-000000000001',
  actor: JSON.stringify({ userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] }),
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

describe('kafkajs record encoding (patched)', () => {
  it('is the patched version: npm ci applied patches/kafkajs+2.2.4.patch', () => {
    const record = readFileSync(require.resolve('kafkajs/src/protocol/recordBatch/record/v0'), 'utf8');
    expect(record).toContain('encoder.writeVarIntString(header.key)');
    const hash = readFileSync(require.resolve('kafkajs/src/producer/partitioners/default/murmur2'), 'utf8');
    expect(hash).toContain('Math.imul');
  });

  it.each<[string, RecordInput]>([
    ['no headers', { key: 'device-1', value: '{"n":1}' }],
    ['the relay’s CloudEvents headers', { key: 'device-00-DB-12-34-56-78-9A-BC', value: '{"to":"B"}', headers: CLOUD_EVENT_HEADERS, offsetDelta: 41, timestampDelta: 17 }],
    ['null key and value (a tombstone)', { key: null, value: null, headers: { reason: 'deleted' } }],
    ['Buffer key, value and header', { key: Buffer.from([0, 1, 2]), value: Buffer.from('bytes'), headers: { raw: Buffer.from([255, 0, 7]) } }],
    ['non-ASCII text in every place', { key: 'clé-ü', value: '{"name":"Zoë – “quoted”"}', headers: { 'é-key': 'värde ✓', emoji: '⚡️' } }],
    ['a header with several values', { key: 'k', value: 'v', headers: { tag: ['a', 'b', 'c'] } }],
    ['a value past the initial 512-byte buffer', { key: 'k', value: 'x'.repeat(5000), headers: { big: 'y'.repeat(3000) } }],
  ])('writes the same bytes as unpatched kafkajs: %s', (_name, record) => {
    expect(Record(record).buffer.equals(unpatched(record))).toBe(true);
  });
});

describe('kafkajs default partitioner (patched murmur2)', () => {
  // Hashes printed by the Java client, org.apache.kafka.common.utils.Utils.murmur2 from kafka-clients 4.1.1 (the
  // first six are the cases of Kafka's own UtilsTest), so a key lands on the partition a Java producer picks.
  it.each<[string, number, number]>([
    ['21', -973932308, 0],
    ['foobar', -790332482, 0],
    ['a-little-bit-long-string', -985981536, 2],
    ['a-little-bit-longer-string', -1486304829, 5],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 5],
    ['abc', 479470107, 3],
    ['device-00-DB-12-34-56-78-9A-BC', 1972143464, 2],
    ['x', 2121525046, 4],
    ['ab', 316155434, 2],
    ['é✓ünïcode-key', -808639526, 0],
    ['service-request-3f0c2a4e-6a1b-4c1e-9a55-1f0d7c1e2b3a', 146433233, 5],
  ])('hashes %p as the Java client does, and picks its partition of 6', (key, javaHash, javaPartition) => {
    expect(murmur2(key)).toBe(javaHash);
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(javaHash);
    const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId, leader: 1 }));
    expect(createPartitioner()({ topic: 't', partitionMetadata, message: { key } })).toBe(javaPartition);
  });

  it('still spreads keyless messages over the partitions that have a leader, and honours an explicit partition', () => {
    const partitioner = createPartitioner();
    const partitionMetadata = [
      { partitionId: 0, leader: 1 },
      { partitionId: 1, leader: -1 },
      { partitionId: 2, leader: 1 },
    ];
    const chosen = new Set(Array.from({ length: 20 }, () => partitioner({ topic: 't', partitionMetadata, message: { key: null } })));
    expect([...chosen].sort()).toEqual([0, 2]);
    expect(partitioner({ topic: 't', partitionMetadata, message: { key: 'k', partition: 1 } })).toBe(1);
  });
});

describe('kafkajs request queue (patched)', () => {
  it('never schedules its pending-request check with a negative delay, which Node.js 24 reports on stderr', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal and untyped, like the encoder above
    const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: Record<string, unknown>) => {
      throttledUntil: number;
      throttleCheckTimeoutId: NodeJS.Timeout | null;
      scheduleCheckPendingRequests(): void;
    };
    const queue = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: true, clientId: 'test', broker: 'b', logger: console });
    // Not throttled and nothing pending: what kafkajs does after every fulfilled request.
    queue.throttledUntil = -1;
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    try {
      queue.scheduleCheckPendingRequests();
      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
      expect(setTimeoutSpy.mock.calls[0][1]).toBe(1);
    } finally {
      setTimeoutSpy.mockRestore();
      clearTimeout(queue.throttleCheckTimeoutId as NodeJS.Timeout);
    }
  });
});
