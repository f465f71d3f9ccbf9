import type { DeskDeps } from '../app/desk-deps.ts';
import type { Notifier } from '../app/ports.ts';
import type { Config } from '../config/config.ts';
import { LoadedContracts } from '../contracts/contract-catalogue.ts';
import { createAgendaJobs } from '../jobs/agenda-jobs.ts';
import type { Logger } from '../log.ts';
import { FanOutNotifier } from '../notify/fan-out-notifier.ts';
import { LogNotifier } from '../notify/log-notifier.ts';
import { WebhookNotifier } from '../notify/webhook-notifier.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { createMongoStore, type MongoStore } from '../store/mongo/index.ts';
import type { Registry } from 'prom-client';
import { assembleDeps } from './assemble-deps.ts';
import { createDeskMetrics } from './desk-metrics.ts';
import { systemClock } from './system-clock.ts';

/** A desk wired to its database and job queue, not yet serving or working. */
export interface OpenDesk {
  deps: DeskDeps;
  store: MongoStore;
  database: Database;
  jobs: ReturnType<typeof createAgendaJobs>;
  /** The desk's own figures, served beside the HTTP ones at /metrics. */
  metrics: Registry;
  close(): Promise<void>;
}

function notifierFor(config: Config, logger: Logger): Notifier {
  const channels: Notifier[] = [new LogNotifier(logger)];
  if (config.webhook) channels.push(new WebhookNotifier(config.webhook));
  return channels.length === 1 ? channels[0]! : new FanOutNotifier(channels);
}

/** The composition root: every port gets its adapter here and nowhere else. */
export async function openDesk(config: Config, logger: Logger): Promise<OpenDesk> {
  const contracts = await LoadedContracts.fromDirectory(config.contractsDir);
  const database = await openDatabase(config, logger);
  try {
    const store = createMongoStore(database.connection, { ticketPrefix: config.ticketPrefix });
    await store.ensureIndexes();
    const jobs = createAgendaJobs({ connection: database.connection, logger });
    const metrics = createDeskMetrics(store);
    const deps: DeskDeps = assembleDeps(store, {
      signals: metrics.signals,
      clock: systemClock,
      timers: jobs.scheduler,
      contracts,
      notifier: notifierFor(config, logger),
      triageLocale: config.locale,
      logger,
    });
    return {
      deps,
      store,
      database,
      jobs,
      metrics: metrics.registry,
      async close() {
        await jobs.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
