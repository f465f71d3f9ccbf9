import { z } from 'zod';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../log.ts';
import { startDesk, type Role } from '../runtime/start-desk.ts';
import { EXIT, type CliIo } from './cli-io.ts';
import { readOptions } from './read-options.ts';

const ROLES: Record<string, Role[]> = { all: ['web', 'worker'], web: ['web'], worker: ['worker'] };

/**
 * `sladesk start [--role all|web|worker]`: runs until SIGINT or SIGTERM, then shuts down
 * gracefully (requests and jobs in flight finish first).
 */
export async function runStartCommand(args: string[], io: CliIo): Promise<number> {
  const { role } = readOptions(
    args,
    { role: { type: 'string' } },
    z.object({ role: z.enum(['all', 'web', 'worker']).default('all') }),
  );
  const config = loadConfig(io.env);
  const logger = createLogger(config);
  // Agenda's processor has promises nobody awaits; a database hiccup there must be logged, not fatal.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const desk = await startDesk(config, logger, new Set(ROLES[role]));
  if (desk.url) io.stderr.write(`sladesk: ${desk.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await desk.stop();
  // Everything is drained and closed; a timer some library left behind must not keep the process
  // alive (a supervisor waiting for it to exit would kill it harder).
  setTimeout(() => process.exit(EXIT.ok), 1_000).unref();
  return EXIT.ok;
}
