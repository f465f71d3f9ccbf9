import type { DeskDeps } from '../app/desk-deps.ts';
import type { ChannelSender } from '../app/messaging/channel.ts';
import type { Config } from '../config/config.ts';
import { LoadedContracts } from '../contracts/contract-catalogue.ts';
import { createAgendaJobs } from '../jobs/agenda-jobs.ts';
import type { Logger } from '../log.ts';
import { LogChannel } from '../channels/log/log-channel.ts';
import { WebhookChannel } from '../channels/webhook/webhook-channel.ts';
import { slackSender } from '../channels/slack/slack-channel.ts';
import { teamsSender, type TeamsConnection } from '../channels/teams/teams-channel.ts';
import { WEB_QUEUE_PLACE } from '../channels/web/web-channel.ts';
import { WebLive } from '../channels/web/web-live.ts';
import { webSender } from '../channels/web/web-sender.ts';
import { openDatabase, type Database, type DatabaseOptions } from '../store/database.ts';
import {
  DatabaseConnectError,
  DatabaseUnreachableError,
  EmbeddedDatabaseError,
} from '../store/database-errors.ts';
import { createMongoStore, type MongoStore } from '../store/mongo/index.ts';
import type { Registry } from 'prom-client';
import { assembleDeps } from './assemble-deps.ts';
import { createDeskMetrics } from './desk-metrics.ts';
import { StartupError } from './startup-error.ts';
import { systemClock } from './system-clock.ts';
import { systemWaiter } from './system-waiter.ts';

/** A desk wired to its database and job queue, not yet serving or working. */
export interface OpenDesk {
  deps: DeskDeps;
  store: MongoStore;
  database: Database;
  jobs: ReturnType<typeof createAgendaJobs>;
  /** The desk's own figures, served beside the HTTP ones at /metrics. */
  metrics: Registry;
  /** Tells this process's open web pages that something of theirs changed. */
  live: WebLive;
  close(): Promise<void>;
}

/** How Teams is reached, when it is configured: the app's credentials, or the emulator asked for. */
export function teamsConnection(config: Config): TeamsConnection | undefined {
  if (config.teams) return { credentials: config.teams };
  return config.teamsEmulator ? { emulator: true } : undefined;
}

/**
 * The channels this desk delivers on: the log and the web desk always; the web-hook, Slack and
 * Teams when configured.
 */
function channelsFor(config: Config, logger: Logger, web: ChannelSender): ChannelSender[] {
  const channels: ChannelSender[] = [new LogChannel(logger), web];
  if (config.webhook) channels.push(new WebhookChannel(config.webhook));
  if (config.slack) channels.push(slackSender(config.slack));
  const teams = teamsConnection(config);
  if (teams) channels.push(teamsSender(teams));
  return channels;
}

/** The contract files, or a StartupError naming SLADESK_CONTRACTS_DIR when the folder is not there. */
async function loadContracts(dir: string | undefined): Promise<LoadedContracts> {
  try {
    return await LoadedContracts.fromDirectory(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new StartupError('cli.start.errors.contractsDirMissing', { dir: dir ?? '' }, 'setting');
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new StartupError('cli.start.errors.contractsDirUnreadable', { dir: dir ?? '' }, 'setting');
    }
    throw error;
  }
}

/** The database, or a StartupError saying in the operator's words why there is none. */
async function open(config: Config, logger: Logger, options: DatabaseOptions): Promise<Database> {
  try {
    return await openDatabase(config, logger, options);
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) {
      const seconds = Math.max(1, Math.round(error.waitedMs / 1000));
      const params = { where: error.where, seconds, reason: error.reason };
      throw new StartupError('cli.start.errors.databaseUnreachable', params, 'outage');
    }
    if (error instanceof DatabaseConnectError) {
      const params = { where: error.where, reason: error.reason };
      throw new StartupError('cli.start.errors.databaseFailed', params, 'outage');
    }
    if (error instanceof EmbeddedDatabaseError) {
      const params = { dir: error.dataDir, reason: error.reason };
      throw new StartupError('cli.start.errors.embeddedFailed', params, 'outage');
    }
    throw error;
  }
}

export interface OpenDeskOptions {
  database?: DatabaseOptions;
}

/** The composition root: every port gets its adapter here and nowhere else. */
export async function openDesk(
  config: Config,
  logger: Logger,
  options: OpenDeskOptions = {},
): Promise<OpenDesk> {
  const contracts = await loadContracts(config.contractsDir);
  const database = await open(config, logger, options.database ?? {});
  try {
    const store = createMongoStore(database.connection, { ticketPrefix: config.ticketPrefix });
    await store.ensureIndexes();
    // The web desk's queue is the agents' triage place there unless an admin moved it.
    if (!(await store.deskSettings.get()).triage?.web) {
      await store.deskSettings.setTriagePlace('web', WEB_QUEUE_PLACE);
    }
    const live = new WebLive();
    const jobs = createAgendaJobs({ connection: database.connection, logger });
    const metrics = createDeskMetrics(store);
    const deps: DeskDeps = assembleDeps(store, {
      signals: metrics.signals,
      clock: systemClock,
      waiter: systemWaiter,
      timers: jobs.scheduler,
      contracts,
      channels: channelsFor(config, logger, webSender(store.webInbox, live, systemClock)),
      deliverySignals: metrics.deliverySignals,
      triageLocale: config.locale,
      logger,
    });
    return {
      deps,
      store,
      database,
      jobs,
      metrics: metrics.registry,
      live,
      async close() {
        await jobs.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database
      .close()
      .catch((closing: unknown) => logger.warn({ err: closing }, 'closing the database failed'));
    throw error;
  }
}
