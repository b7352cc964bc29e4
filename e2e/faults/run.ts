// `npm run faults [-- --scale N] [--only <name>] [--record]`: runs every fault scenario against infrastructure of
// its own, prints what was sent, answered, stored and published, and fails if anything was lost or applied twice.
import { FaultSystem, log, OwnKafka, OwnPostgres } from './infra';
import { Figures, recordInDocs, Scenario, table } from './figures';
import { brokerKilled } from './scenarios/broker-killed';
import { inventoryConsumerKilled } from './scenarios/inventory-consumer-killed';
import { bulkCorrectionKilled } from './scenarios/bulk-correction-killed';
import { intakeUploadKilled } from './scenarios/intake-upload-killed';
import { verificationConsumerKilled } from './scenarios/verification-consumer-killed';
import { verificationCasesKilled } from './scenarios/verification-cases-killed';
import { postgresRestarted } from './scenarios/postgres-restarted';
import { duplicateDelivery } from './scenarios/duplicate-delivery';
import { poisonMessage } from './scenarios/poison-message';
import { twoInstances } from './scenarios/two-instances';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { repoRoot } = require('../../scripts/services.js') as { repoRoot: string };

const SCENARIOS: Scenario[] = [
  brokerKilled,
  inventoryConsumerKilled,
  bulkCorrectionKilled,
  intakeUploadKilled,
  verificationConsumerKilled,
  verificationCasesKilled,
  postgresRestarted,
  duplicateDelivery,
  poisonMessage,
  twoInstances,
];

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : (process.argv[at + 1] ?? '');
}

async function main(): Promise<number> {
  const scale = Number(option('scale') ?? 1);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('--scale must be a positive number');
  const only = option('only')?.split(',');
  const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));
  if (chosen.length === 0) throw new Error(`no scenario named ${only}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);

  const began = Date.now();
  const postgres = new OwnPostgres();
  const kafka = new OwnKafka();
  const results: Array<Figures & { failed: boolean }> = [];
  // The broker and PostgreSQL run detached from this process: an interrupted run must still stop them.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the suite's broker and PostgreSQL`);
      void kafka
        .stop()
        .catch(() => undefined)
        .finally(() => {
          postgres.stop();
          process.exit(130);
        });
    });
  }
  try {
    await postgres.start();
    await kafka.start();
    for (const [index, scenario] of chosen.entries()) {
      log(`── ${scenario.name} (scale ${scale}) ──`);
      const systems: FaultSystem[] = [];
      const context = {
        postgres,
        kafka,
        scale,
        system: () => {
          const system = new FaultSystem(postgres, kafka, `s${index}_${systems.length}`);
          systems.push(system);
          return system;
        },
      };
      let figures: Figures;
      try {
        figures = await scenario.run(context);
      } catch (error) {
        figures = { scenario: scenario.name, sent: 0, answered: 0, stored: 0, published: 0, lost: 0, duplicated: 0, recoverySeconds: 0, notes: [`error: ${(error as Error).stack}`] };
        for (const service of systems.flatMap((s) => s.services)) figures.notes.push(`${service.name} log:\n${service.logs().slice(-4000)}`);
      }
      const failed = figures.lost > 0 || figures.duplicated > 0 || figures.notes.some((n) => n.startsWith('error:'));
      if (failed && !figures.notes.some((n) => n.startsWith('error:'))) {
        for (const service of systems.flatMap((s) => s.services)) figures.notes.push(`${service.name} log:\n${service.logs().slice(-4000)}`);
      }
      await Promise.all(systems.map((s) => s.stop().catch(() => undefined)));
      results.push({ ...figures, failed });
      log(`${scenario.name}: sent ${figures.sent}, answered ${figures.answered}, stored ${figures.stored}, published ${figures.published}, lost ${figures.lost}, duplicated ${figures.duplicated}, recovered in ${figures.recoverySeconds.toFixed(1)} s ${failed ? 'FAILED' : 'ok'}`);
      for (const note of figures.notes) log(`  ${note}`);
    }
  } finally {
    await kafka.stop().catch((error: Error) => log(`stopping Kafka: ${error.message}`));
    try {
      postgres.stop();
    } catch (error) {
      log(`stopping PostgreSQL: ${(error as Error).message}`);
    }
  }
  const seconds = (Date.now() - began) / 1000;
  process.stdout.write(`\n${table(results)}\n\n${results.length} scenario(s) in ${seconds.toFixed(0)} s\n`);
  if (process.argv.includes('--record')) recordInDocs(repoRoot, results, `npm run faults -- --scale ${scale} --record`, seconds);
  const failures = results.filter((r) => r.failed);
  if (failures.length > 0) process.stdout.write(`FAILED: ${failures.map((f) => f.scenario).join(', ')}\n`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
