// Starts the real infrastructure once per `jest` run: Kafka from infra/ (or Testcontainers, or external
// services named by TEST_KAFKA_BROKERS / TEST_DATABASE_URL) and a check that PostgreSQL answers.
// `npm run test:unit` sets SMI_UNIT_ONLY=1 and needs none of it.
'use strict';
module.exports = async function globalSetup() {
  if (process.env.SMI_UNIT_ONLY === '1') return;
  const { provideInfrastructure } = require('../libs/testing/infrastructure.js');
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_DATABASE_URL = infra.databaseUrl;
  globalThis.__SMI_INFRA__ = infra;
};
