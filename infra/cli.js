#!/usr/bin/env node
// `npm run infra:up` / `npm run infra:down` / `node infra/cli.js status`: the local infrastructure on its own.
'use strict';

const { startBroker, stopBroker, brokerStatus } = require('./kafka/broker');
const { checkPostgres } = require('./postgres/postgres');

async function main(command) {
  switch (command) {
    case 'up': {
      const pg = await checkPostgres();
      console.log(`PostgreSQL ${pg.version} answers at ${pg.url}`);
      const kafka = await startBroker();
      console.log(kafka.startedHere
        ? `Kafka started on ${kafka.brokers.join(',')} in ${kafka.startMs} ms`
        : `Kafka already running on ${kafka.brokers.join(',')}`);
      return;
    }
    case 'down':
      console.log((await stopBroker()) ? 'Kafka stopped (data kept)' : 'Kafka was not running');
      return;
    case 'status':
      console.log(JSON.stringify(await brokerStatus(), null, 2));
      return;
    default:
      console.error('usage: node infra/cli.js up|down|status');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
