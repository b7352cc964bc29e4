import { runOps } from '../run';

// Not '../index' through an alias: a direct import keeps start-up to what the CLI uses.
runOps(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    // A defect, not an operator's mistake: still one line, with the stack only when asked for.
    console.error(`ops: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.SMI_OPS_DEBUG) console.error(error);
    process.exitCode = 1;
  });
