import { runCli } from './run-cli.ts';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
} catch (error) {
  // A fault of ours, not of the input: say so in one line and leave the stack out of the way.
  process.stderr.write(`sladesk: internal error: ${(error as Error).message}\n`);
  if (process.env.SLADESK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
}
