import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/config.ts';
import { redactUriCredentials, scrubSecrets, showableUrl, urlSecrets, type Logger } from '../log.ts';
import {
  DatabaseConnectError,
  DatabaseLostError,
  DatabaseUnreachableError,
  EmbeddedDatabaseError,
  isDatabaseUnreachable,
} from './database-errors.ts';
import { startFerretDb, type EmbeddedFerretDb } from './embedded-ferretdb.ts';
import { NoDatabaseError } from './ferretdb-binary.ts';
import { superviseRestarts, type RestartPolicy, type Supervisor } from './restart-supervisor.ts';

export interface Database {
  readonly connection: Connection;
  /** May hold credentials: pass it to drivers, never to logs or messages. */
  readonly uri: string;
  /**
   * False while the database is known to be unreachable: the embedded server is down (being
   * restarted), or the driver has lost every server. Never waits; while down it has the driver
   * look again, so the answer turns true soon after the database is back.
   */
  isUp(): boolean;
  /** Settles when the embedded database is gone for good (its restarts used up); never with MONGODB_URI. */
  readonly lost: Promise<DatabaseLostError>;
  /** The embedded server's process id while one runs. */
  embeddedPid(): number | undefined;
  /** Disconnects, then stops the embedded server when there is one. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** How long start-up waits for MONGODB_URI to answer; default 15 s. */
  startupTimeoutMs?: number;
  /**
   * How long one operation waits for a server before it fails (a request then answers 503);
   * default 2 s, so that callers hear promptly when the database is down.
   */
  selectionTimeoutMs?: number;
  /** The embedded server's restarts: back-off wait, clock and policy (tests pass their own). */
  restarts?: {
    wait?: (ms: number, signal: AbortSignal) => Promise<void>;
    now?: () => number;
    policy?: Partial<RestartPolicy>;
  };
}

const DEFAULT_DATABASE_NAME = 'sladesk';
const DEFAULT_STARTUP_TIMEOUT_MS = 15_000;
const DEFAULT_SELECTION_TIMEOUT_MS = 2_000;

const realWait = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).catch(() => undefined);

const never = new Promise<never>(() => {});

export async function openDatabase(
  config: Pick<Config, 'mongodbUri' | 'dataDir'>,
  logger: Logger,
  options: DatabaseOptions = {},
): Promise<Database> {
  const supervisor =
    config.mongodbUri === undefined ? await startEmbedded(config, logger, options) : undefined;
  const uri = config.mongodbUri ?? supervisor!.current!.uri;
  // A validated URI is always showable; should one not be, it is not shown at all.
  const where = showableUrl(uri) ?? 'MONGODB_URI';
  try {
    const connection = await connect(uri, where, options);
    logger.info({ uri: where, database: connection.name }, 'database connected');
    const serversKnown = trackServers(connection);
    let probing = false;
    const lost: Promise<DatabaseLostError> = supervisor
      ? // The whole reason went to the log with each attempt; the operator's line gets its first line.
        supervisor.gaveUp.then(
          ({ attempts, reason }) => new DatabaseLostError(attempts, reason.split('\n', 1)[0] ?? ''),
        )
      : never;
    let closing: Promise<void> | undefined;
    return {
      connection,
      uri,
      lost,
      isUp() {
        if (supervisor && supervisor.state !== 'up') return false;
        if (serversKnown()) return true;
        // Nothing asks the driver for a server while requests are turned away: ask it here, once
        // at a time, so that it looks again now rather than at its next heartbeat.
        if (!probing && connection.db) {
          probing = true;
          void connection.db
            .admin()
            .ping()
            .catch(() => undefined)
            .finally(() => (probing = false));
        }
        return false;
      },
      embeddedPid: () => supervisor?.current?.pid,
      close: () =>
        (closing ??= (async () => {
          try {
            await connection.close();
          } finally {
            await supervisor?.stop();
          }
        })()),
    };
  } catch (error) {
    await supervisor?.stop();
    throw error;
  }
}

/** Connects with the short per-operation timeout, trying again until the start-up deadline. */
async function connect(uri: string, where: string, options: DatabaseOptions): Promise<Connection> {
  const selectionTimeoutMs = options.selectionTimeoutMs ?? DEFAULT_SELECTION_TIMEOUT_MS;
  const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const secrets = urlSecrets(uri);
  // Driver errors can quote the URI; the password must not travel on with them.
  const reasonOf = (error: unknown) =>
    redactUriCredentials(scrubSecrets(error instanceof Error ? error.message : String(error), secrets));
  const started = Date.now();
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = mongoose.createConnection(uri, {
        ...(hasDatabaseName(uri) ? {} : { dbName: DEFAULT_DATABASE_NAME }),
        serverSelectionTimeoutMS: Math.min(selectionTimeoutMs, startupTimeoutMs),
        // An operation on a database that is down fails at once (and answers 503) instead of
        // waiting in mongoose's queue; the driver reconnects by itself when the server is back.
        bufferCommands: false,
      });
      return await connection.asPromise();
    } catch (error) {
      await connection?.close().catch(() => undefined);
      const waited = Date.now() - started;
      if (!isDatabaseUnreachable(error)) throw new DatabaseConnectError(where, reasonOf(error));
      if (waited + selectionTimeoutMs > startupTimeoutMs) {
        throw new DatabaseUnreachableError(where, waited, reasonOf(error));
      }
    }
  }
}

/** Whether the driver knows of a server that holds data; false from the moment it lost the last. */
function trackServers(connection: Connection): () => boolean {
  let known = true;
  connection.getClient().on('topologyDescriptionChanged', (event) => {
    known = event.newDescription.hasDataBearingServers;
  });
  return () => known;
}

async function startEmbedded(
  config: Pick<Config, 'dataDir'>,
  logger: Logger,
  options: DatabaseOptions,
): Promise<Supervisor<EmbeddedFerretDb>> {
  const dataDir = join(config.dataDir, 'ferretdb');
  const progress = { info: (message: string) => logger.info(message) };
  let first: EmbeddedFerretDb;
  try {
    first = await startFerretDb({ dataDir, logger: progress });
  } catch (error) {
    if (error instanceof NoDatabaseError) throw error;
    // Its output goes to the log whole; the operator's one line gets the first line of it.
    logger.error({ err: error, dataDir }, 'embedded FerretDB did not start');
    throw new EmbeddedDatabaseError((error as Error).message.split('\n', 1)[0] ?? '', dataDir);
  }
  logger.info({ uri: first.uri, pid: first.pid, dataDir }, 'embedded FerretDB started');
  const port = first.port;
  return superviseRestarts({
    first,
    restart: () => startFerretDb({ dataDir, port, logger: progress }),
    wait: options.restarts?.wait ?? realWait,
    now: options.restarts?.now ?? Date.now,
    ...(options.restarts?.policy ? { policy: options.restarts.policy } : {}),
    events: {
      died: (reason) => logger.error({ reason, port }, 'embedded FerretDB stopped; restarting it'),
      restarting: (attempt, delayMs) =>
        logger.warn({ attempt, delayMs, port }, 'restarting embedded FerretDB'),
      attemptFailed: (attempt, reason) =>
        logger.warn({ attempt, reason, port }, 'embedded FerretDB restart failed'),
      restarted: (attempt, server) =>
        logger.info({ attempt, pid: server.pid, port }, 'embedded FerretDB restarted'),
    },
  });
}

// `mongodb://host/name?opts` names a database; `mongodb://host/` and `mongodb://host` do not.
function hasDatabaseName(uri: string): boolean {
  const afterScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = afterScheme.indexOf('/');
  if (slash === -1) return false;
  const name = afterScheme.slice(slash + 1).split('?')[0] ?? '';
  return name.length > 0;
}
