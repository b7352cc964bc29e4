// Which real Kafka and PostgreSQL the integration and e2e tests use, in this order:
//  1. external ones named by TEST_KAFKA_BROKERS and TEST_DATABASE_URL (a CI service, a shared cluster);
//  2. Testcontainers, when a Docker engine is reachable (and SMI_TEST_INFRA is not "local");
//  3. the local broker started by infra/ and the PostgreSQL server on 127.0.0.1:5432.
// Tests never mock the broker or the database. Plain JavaScript because Jest's globalSetup loads it
// untransformed.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const { startBroker, stopBroker } = require('../../infra/kafka/broker');
const { checkPostgres, DEFAULT_DATABASE_URL } = require('../../infra/postgres/postgres');

async function provideInfrastructure(env = process.env) {
  if (env.TEST_KAFKA_BROKERS && env.TEST_DATABASE_URL) {
    await checkPostgres(env.TEST_DATABASE_URL);
    return { kind: 'external', kafkaBrokers: env.TEST_KAFKA_BROKERS, databaseUrl: env.TEST_DATABASE_URL, release: async () => undefined };
  }
  if (env.SMI_TEST_INFRA !== 'local' && (await dockerReachable(env))) {
    return startContainers();
  }
  const databaseUrl = env.TEST_DATABASE_URL || env.DATABASE_URL || DEFAULT_DATABASE_URL;
  await checkPostgres(databaseUrl);
  const kafka = await startBroker(env);
  return {
    kind: 'local',
    kafkaBrokers: kafka.brokers.join(','),
    databaseUrl,
    // Stop the broker only if this run started it, so a developer's running broker is left alone.
    release: async () => {
      if (kafka.startedHere && env.SMI_KEEP_INFRA !== '1') await stopBroker(env);
    },
  };
}

async function dockerReachable(env) {
  if (env.DOCKER_HOST) return true;
  const socket = '/var/run/docker.sock';
  if (!fs.existsSync(socket)) return false;
  return new Promise((resolve) => {
    const client = net.connect(socket);
    client.once('connect', () => { client.destroy(); resolve(true); });
    client.once('error', () => resolve(false));
  });
}

async function startContainers() {
  const { KafkaContainer } = require('@testcontainers/kafka');
  const { PostgreSqlContainer } = require('@testcontainers/postgresql');
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }).start(),
    new PostgreSqlContainer('postgres:15-alpine').withUsername('postgres').withPassword('postgres').start(),
  ]);
  const databaseUrl = `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}/postgres`;
  return {
    kind: 'testcontainers',
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    databaseUrl,
    release: async () => {
      await Promise.all([kafka.stop(), postgres.stop()]);
    },
  };
}

module.exports = { provideInfrastructure };
