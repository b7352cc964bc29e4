import { KafkaClient, topicName } from '@smi/kafka';
import { testKafkaBrokers, uniqueName, waitFor } from '@smi/testing';
import { DataSource } from 'typeorm';
import { INTAKE_COPIED_EVENT_TYPES } from '../intake-feed';
import { INVENTORY_DEVICE_EVENT_TYPES } from '../inventory-feed';
import { PUBLICATION_PROJECTIONS } from '../projections';
import { PublicationTestApp } from './publication-test-app';

/*
 * The signals publication's integration tests wait for, each a condition polled on the running service: every event
 * sent copied and projected, a rebuild switched over, a message dead-lettered, publication.events as the relay sent it.
 */

interface SentTopic {
  readonly sent: ReadonlyArray<{ headers: Record<string, string> }>;
}

/** Each feed's copy streams, and the event types it copies (undefined: every type its publisher sends). */
const FEEDS = {
  verification: { streams: 'verification-%', copied: undefined },
  inventory: { streams: 'inventory-%', copied: new Set<string>(INVENTORY_DEVICE_EVENT_TYPES) },
  intake: { streams: 'intake-%', copied: new Set<string>(INTAKE_COPIED_EVENT_TYPES) },
} as const;
type Feed = keyof typeof FEEDS;

type ProjectionStatus = { projection: string; lag: number; activeTable: string; rebuildingTable?: string; lastError?: string };

const projections = async (publication: PublicationTestApp, dccToken: string) => (await publication.call('GET', '/ops/projections', dccToken)).body as ProjectionStatus[];

/**
 * Waits until every event sent to the topics given (the ones publication copies) is in publication's store, and
 * every read model has applied them all: the signal a test reads its answers after. A failing projection fails the
 * test at once rather than after the wait.
 */
export async function publicationSettled(publication: PublicationTestApp, dccToken: string, topics: Partial<Record<Feed, SentTopic>>): Promise<void> {
  const db = publication.app.get(DataSource);
  const feeds = Object.keys(FEEDS) as Feed[];
  const expected = Object.fromEntries(
    feeds.map((feed) => {
      const { copied } = FEEDS[feed];
      const sent = (topics[feed]?.sent ?? []).filter((m) => !copied || copied.has(m.headers.ce_type));
      // A message sent again is copied once.
      return [feed, new Set(sent.map((m) => m.headers.ce_id)).size];
    }),
  ) as Record<Feed, number>;
  const outcome = await waitFor(
    async () => {
      const [counts]: Array<Record<Feed, number>> = await db.query(
        `SELECT ${feeds.map((feed) => `count(*) FILTER (WHERE stream_id LIKE '${FEEDS[feed].streams}')::int AS ${feed}`).join(', ')} FROM events`,
      );
      const status = await projections(publication, dccToken);
      if (status.some((s) => s.lastError)) return { failed: JSON.stringify(status) };
      if (feeds.some((feed) => counts[feed] !== expected[feed])) return false;
      return PUBLICATION_PROJECTIONS.every((p) => status.some((s) => s.projection === p.name)) && status.every((s) => s.lag === 0) && { failed: undefined };
    },
    30_000,
    'publication to copy and project every event sent',
  );
  if (outcome.failed) throw new Error(`a projection failed: ${outcome.failed}`);
}

/** Rebuilds the read models named beside the live ones and waits until each has switched over to its new table. */
export async function rebuildProjections(publication: PublicationTestApp, names: readonly string[], tokens: { dcc: string; operator: string }): Promise<void> {
  const live = new Map((await projections(publication, tokens.dcc)).map((s) => [s.projection, s.activeTable]));
  for (const name of names) expect((await publication.call('POST', `/ops/projections/${name}/rebuild`, tokens.operator)).status).toBe(202);
  await waitFor(
    async () => {
      const status = await projections(publication, tokens.dcc);
      return names.every((name) => status.some((s) => s.projection === name && s.activeTable !== live.get(name) && s.rebuildingTable === undefined));
    },
    60_000,
    'the rebuilds to switch over',
  );
}

/** Waits until the consumer has dead-lettered a message. */
export async function deadLettered(publication: PublicationTestApp, consumer: string): Promise<void> {
  const db = publication.app.get(DataSource);
  await waitFor(async () => (await db.query(`SELECT error FROM consumer_dead_letters WHERE consumer = $1`, [consumer]))[0], 30_000, `${consumer} to dead-letter the message`);
}

/**
 * What publication.events holds once the relay has passed every event in publication's store (its copies of other
 * services' events included), read from the beginning: at least `atLeast` messages, as type and key.
 */
export async function publicationEvents(publication: PublicationTestApp, dccToken: string, atLeast: number): Promise<Array<{ type: string; key: string | null }>> {
  const kafka = new KafkaClient({ brokers: testKafkaBrokers(), clientId: uniqueName('publication-reader') });
  const received: Array<{ type: string; key: string | null }> = [];
  const reader = kafka.createConsumer({ groupId: uniqueName('publication-reader'), topics: [topicName(publication.topicPrefix, 'publication.events')], fromBeginning: true });
  try {
    await reader.start(async (batch) => {
      received.push(...batch.messages.map((m) => ({ type: m.headers.ce_type ?? '', key: m.key })));
      const last = batch.messages[batch.messages.length - 1];
      if (last) await batch.commit(last.offset);
    });
    await waitFor(() => received.length >= atLeast, 30_000, `${atLeast} events on publication.events`);
    await waitFor(async () => ((await publication.call('GET', '/ops/relay', dccToken)).body as { backlog: number }).backlog === 0, 30_000, 'the relay to pass every event');
    return [...received];
  } finally {
    await reader.stop();
    await kafka.disconnect();
  }
}
