/**
 * The desk a bench measures, the real one: opened as `npm start` opens it on the bench's data
 * directory, and web processes started beside it, each with its own connection to that database.
 */
import type { Db } from 'mongodb';
import { loadConfig, type Config } from '../src/config/config.ts';
import { createLogger, type Logger } from '../src/log.ts';
import { openDesk, type OpenDesk } from '../src/runtime/open-desk.ts';
import { startDesk, type RunningDesk } from '../src/runtime/start-desk.ts';

/** A bench's tidy-up steps, run newest first (see cleanup.ts). */
export type Cleanups = (() => Promise<unknown> | void)[];

export interface BenchDesk {
  config: Config;
  logger: Logger;
  desk: OpenDesk;
  db: Db;
  /** How long opening it took (with the embedded FerretDB, seeding a new data directory). */
  deskOpenMs: number;
}

/** Opens the desk on `env`; it is closed with the bench's other cleanups. */
export async function openBenchDesk(env: NodeJS.ProcessEnv, cleanups: Cleanups): Promise<BenchDesk> {
  const config = loadConfig(env);
  // Warnings and errors only, on stderr so the tables stay readable; notifications are `info`.
  const logger = createLogger(config, process.stderr);
  const began = performance.now();
  const desk = await openDesk(config, logger);
  cleanups.push(() => desk.close());
  const db = desk.database.connection.db;
  if (!db) throw new Error('the desk has no open database');
  return { config, logger, desk, db, deskOpenMs: performance.now() - began };
}

export interface WebProcess {
  desk: RunningDesk;
  url: string;
  /** Stops it now (the cleanups then leave it be): what it still had to do is done when this settles. */
  stop(): Promise<void>;
}

/**
 * The HTTP API as `npm start` or the Procfile's `web` serves it, on `webEnv` (its own pool); stopped
 * with the cleanups unless stopped before.
 */
export async function startWebProcess(
  webEnv: NodeJS.ProcessEnv,
  logger: Logger,
  cleanups: Cleanups,
): Promise<WebProcess> {
  const desk = await startDesk(loadConfig(webEnv), logger, new Set(['web']));
  let stopped = false;
  cleanups.push(() => (stopped ? undefined : desk.stop()));
  if (!desk.url) throw new Error('startDesk gave no URL');
  return {
    desk,
    url: desk.url,
    async stop() {
      await desk.stop();
      stopped = true;
    },
  };
}
