import { z } from 'zod';
import { loadConfig } from '../config/config.ts';
import { translate } from '../i18n/translate.ts';
import { createLogger } from '../log.ts';
import { startDesk, type RunningDesk, type Role } from '../runtime/start-desk.ts';
import type { DatabaseLostError } from '../store/database-errors.ts';
import { cliLocale, EXIT, type CliIo } from './cli-io.ts';
import { readOptions } from './read-options.ts';

const ROLES: Record<string, Role[]> = { all: ['web', 'worker'], web: ['web'], worker: ['worker'] };

/** How long a desk that lost its database may take to stop before the process exits regardless. */
const LOST_STOP_LIMIT_MS = 10_000;

/**
 * Ends the process `afterMs` from now unless it has ended by itself. Everything is drained and
 * closed by then; a timer some library left behind (agenda leaves one per job it ran, for minutes)
 * must not keep the process alive: a supervisor waiting for it to exit would kill it harder.
 */
function exitSoon(code: number | undefined, afterMs: number): void {
  setTimeout(
    () => process.exit(code ?? (process.exitCode as number | undefined) ?? EXIT.failed),
    afterMs,
  ).unref();
}

/**
 * `sladesk start [--role all|web|worker]`: runs until SIGINT or SIGTERM, then shuts down
 * gracefully (requests and jobs in flight finish first). A start that fails stops what it had
 * started and exits non-zero; so does a desk whose embedded database cannot be brought back.
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
  let desk: RunningDesk;
  try {
    desk = await startDesk(config, logger, new Set(ROLES[role]));
  } catch (error) {
    // The caller prints the one line and sets the exit code; this makes sure the process goes.
    exitSoon(undefined, 1_000);
    throw error;
  }
  if (desk.url) io.stderr.write(`sladesk: ${desk.url}\n`);
  if (desk.firstAdminLink) {
    const said = translate(cliLocale(io.env), 'cli.start.firstAdmin', { link: desk.firstAdminLink });
    io.stderr.write(`sladesk: ${said}\n`);
  }
  const outcome = await new Promise<DatabaseLostError | undefined>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      resolve(undefined);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void desk.lost.then(resolve);
  });
  if (outcome) {
    const { attempts, reason } = outcome;
    logger.fatal({ attempts, reason }, `${outcome.message}; exiting`);
    io.stderr.write(
      `sladesk: ${translate(cliLocale(io.env), 'cli.start.errors.databaseLost', { attempts, reason })}\n`,
    );
    exitSoon(EXIT.failed, LOST_STOP_LIMIT_MS);
    await desk.stop().catch((error: unknown) => logger.warn({ err: error }, 'stopping the desk failed'));
    exitSoon(EXIT.failed, 1_000);
    return EXIT.failed;
  }
  await desk.stop();
  exitSoon(EXIT.ok, 1_000);
  return EXIT.ok;
}
