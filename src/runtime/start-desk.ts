import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relayPending } from '../app/relay.ts';
import { fireTimer } from '../app/sla-steps.ts';
import { publicUrlOf, type Config } from '../config/config.ts';
import { webDesk, webSignInDeps, type WebDesk } from '../channels/web/web-channel.ts';
import { FIRST_ADMIN_EMAIL, welcomeFirstAdmin } from './first-admin.ts';
import { createHttpServer, type PlatformEndpoint } from '../http/server.ts';
import { slackReceiving, type SlackReceiving } from '../channels/slack/slack-channel.ts';
import { teamsReceiving, type TeamsReceiving } from '../channels/teams/teams-channel.ts';
import { systemClock } from './system-clock.ts';
import { systemWaiter } from './system-waiter.ts';
import type { Logger } from '../log.ts';
import type { Database } from '../store/database.ts';
import type { DatabaseLostError } from '../store/database-errors.ts';
import { openDesk, type OpenDeskOptions } from './open-desk.ts';
import { StartupError } from './startup-error.ts';
import { teamsConnection } from './open-desk.ts';

export type Role = 'web' | 'worker';

export interface RunningDesk {
  /** Where the HTTP API listens, when this process serves it. */
  url?: string;
  /** On a fresh desk's first start: the first admin's one-time sign-in link. */
  firstAdminLink?: string;
  readonly database: Database;
  /** Settles when the embedded database is gone for good: the process should then exit. */
  readonly lost: Promise<DatabaseLostError>;
  /** Stops taking requests and jobs, finishes what is running, closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts the parts of the desk this process runs: the HTTP API, the job worker, or both. When any
 * part fails to start, what was started is stopped again before the error goes on.
 */
export async function startDesk(
  config: Config,
  logger: Logger,
  roles: ReadonlySet<Role>,
  options: OpenDeskOptions = {},
): Promise<RunningDesk> {
  const desk = await openDesk(config, logger, options);
  let server: Server | undefined;
  let slack: SlackReceiving | undefined;
  let teams: TeamsReceiving | undefined;
  let web: WebDesk | undefined;
  try {
    if (roles.has('web') && config.slack) {
      slack = slackReceiving({
        credentials: config.slack,
        deps: desk.deps,
        clock: systemClock,
        waiter: systemWaiter,
        locale: config.locale,
        logger,
      });
    }
    const platformEndpoints = new Map<string, PlatformEndpoint>();
    if (slack?.endpoint) platformEndpoints.set('/slack/events', slack.endpoint);
    const teamsConnected = teamsConnection(config);
    if (roles.has('web') && teamsConnected) {
      teams = teamsReceiving({
        connection: teamsConnected,
        deps: desk.deps,
        clock: systemClock,
        waiter: systemWaiter,
        locale: config.locale,
        logger,
      });
      platformEndpoints.set('/api/messages', teams.endpoint);
    }
    let url: string | undefined;
    if (roles.has('web')) {
      // The web desk is always there: with no SMTP, its sign-in links are printed to the log.
      web = webDesk({
        desk: desk.deps,
        signIn: webSignInDeps(desk.store, desk.deps),
        inbox: desk.store.webInbox,
        live: desk.live,
        ...(config.mail ? { mail: config.mail } : {}),
        publicUrl: () => publicUrlOf(config, url),
        defaultLocale: config.locale,
        logger,
      });
      platformEndpoints.set('/web/', web.endpoint);
      // The front door: whoever opens the desk's address finds the web desk.
      platformEndpoints.set('/', async (_request, response) => {
        response.writeHead(303, { Location: '/web/', 'Content-Length': '0' }).end();
      });
    }
    // The port first: a port in use or an unknown host then fails before any job has started.
    if (roles.has('web')) {
      server = createHttpServer({
        deps: desk.deps,
        settings: desk.store.deskSettings,
        apiKeys: desk.store.apiKeys,
        health: async () => ({
          database:
            desk.database.isUp() &&
            ((await desk.database.connection.db
              ?.admin()
              .ping()
              .then(() => true)
              .catch(() => false)) ??
              false),
          jobs: !roles.has('worker') || desk.jobs.health().running,
        }),
        databaseUp: () => desk.database.isUp(),
        logger,
        defaultLocale: config.locale,
        registries: [desk.metrics],
        platformEndpoints,
      });
      await listen(server, config.port, config.host);
      const address = server.address() as AddressInfo;
      url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
    }
    if (roles.has('worker')) {
      await desk.jobs.startWorker({
        fireTimer: (ticketId, step) => fireTimer(desk.deps, ticketId, step),
        relay: () => relayPending(desk.deps),
      });
    }
    await slack?.start();
    logger.info({ url, roles: [...roles] }, 'sladesk is running');
    let firstAdminLink: string | undefined;
    if (web) {
      const first = await welcomeFirstAdmin(desk.deps, webSignInDeps(desk.store, desk.deps), config.locale);
      if (first) {
        firstAdminLink = `${publicUrlOf(config, url)}${first.linkPath}`;
        logger.info(
          { personId: first.personId, email: FIRST_ADMIN_EMAIL },
          'first start: the first admin was made',
        );
      }
    }
    let stopping: Promise<void> | undefined;
    return {
      ...(url ? { url } : {}),
      ...(firstAdminLink ? { firstAdminLink } : {}),
      database: desk.database,
      lost: desk.database.lost,
      stop: () =>
        (stopping ??= (async () => {
          // Open pages' live streams would keep the server from closing.
          web?.closeStreams();
          if (server) {
            const closed = new Promise((resolve) => server!.close(resolve));
            server.closeIdleConnections();
            await closed;
          }
          // What Slack was told is taken, and Teams' turns answered late, finish before the database goes.
          await slack?.stop();
          await teams?.settled();
          await web?.stop();
          await desk.close();
          logger.info('sladesk stopped');
        })()),
    };
  } catch (error) {
    if (server?.listening) server.close();
    await slack?.stop().catch(() => undefined);
    // The error that stopped the start is the one to report, not a later one while tidying up.
    await desk.close().catch((closing: unknown) => logger.warn({ err: closing }, 'closing the desk failed'));
    throw error;
  }
}

/** Listens, or says in the operator's words why it cannot (the port taken, an unknown host…). */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, port, host));
    server.once('error', failed).listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const params = { port, host };
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError('cli.start.errors.portInUse', params, 'setting');
    case 'EACCES':
    case 'EPERM':
      return new StartupError('cli.start.errors.portNotAllowed', params, 'setting');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new StartupError('cli.start.errors.unknownHost', params, 'setting');
    case 'EADDRNOTAVAIL':
      return new StartupError('cli.start.errors.hostNotLocal', params, 'setting');
    default:
      return error;
  }
}
