import type { AddressInfo } from 'node:net';
import { relayPending } from '../app/relay.ts';
import { fireTimer } from '../app/sla-steps.ts';
import type { Config } from '../config/config.ts';
import { createHttpServer } from '../http/server.ts';
import type { Logger } from '../log.ts';
import { openDesk } from './open-desk.ts';

export type Role = 'web' | 'worker';

export interface RunningDesk {
  /** Where the HTTP API listens, when this process serves it. */
  url?: string;
  /** Stops taking requests and jobs, finishes what is running, closes the database. */
  stop(): Promise<void>;
}

/** Starts the parts of the desk this process runs: the HTTP API, the job worker, or both. */
export async function startDesk(
  config: Config,
  logger: Logger,
  roles: ReadonlySet<Role>,
): Promise<RunningDesk> {
  const desk = await openDesk(config, logger);
  let server: ReturnType<typeof createHttpServer> | undefined;
  try {
    if (roles.has('worker')) {
      await desk.jobs.startWorker({
        fireTimer: (ticketId, step) => fireTimer(desk.deps, ticketId, step),
        relay: () => relayPending(desk.deps),
      });
    }
    let url: string | undefined;
    if (roles.has('web')) {
      server = createHttpServer({
        deps: desk.deps,
        settings: desk.store.deskSettings,
        apiKeys: desk.store.apiKeys,
        health: async () => ({
          database:
            (await desk.database.connection.db
              ?.admin()
              .ping()
              .then(() => true)
              .catch(() => false)) ?? false,
          jobs: !roles.has('worker') || desk.jobs.health().running,
        }),
        logger,
        defaultLocale: config.locale,
        registries: [desk.metrics],
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject).listen(config.port, config.host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
    }
    logger.info({ url, roles: [...roles] }, 'sladesk is running');
    let stopping: Promise<void> | undefined;
    return {
      ...(url ? { url } : {}),
      stop: () =>
        (stopping ??= (async () => {
          if (server) {
            const closed = new Promise((resolve) => server!.close(resolve));
            server.closeIdleConnections();
            await closed;
          }
          await desk.close();
          logger.info('sladesk stopped');
        })()),
    };
  } catch (error) {
    server?.close();
    await desk.close();
    throw error;
  }
}
