import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/config.ts';
import { redactUriCredentials, type Logger } from '../log.ts';
import { startFerretDb, type EmbeddedFerretDb } from './embedded-ferretdb.ts';

export interface Database {
  readonly connection: Connection;
  /** May hold credentials: pass it to drivers, never to logs or messages. */
  readonly uri: string;
  /** Disconnects, then stops the embedded server when there is one. */
  close(): Promise<void>;
}

const DEFAULT_DATABASE_NAME = 'sladesk';

export async function openDatabase(
  config: Pick<Config, 'mongodbUri' | 'dataDir'>,
  logger: Logger,
): Promise<Database> {
  let embedded: EmbeddedFerretDb | undefined;
  let uri = config.mongodbUri;
  if (uri === undefined) {
    const dataDir = join(config.dataDir, 'ferretdb');
    embedded = await startFerretDb({ dataDir, logger: { info: (message) => logger.info(message) } });
    uri = embedded.uri;
    logger.info({ uri, dataDir }, 'embedded FerretDB started');
  }

  const where = redactUriCredentials(uri);
  try {
    const connection = await mongoose
      .createConnection(uri, {
        ...(hasDatabaseName(uri) ? {} : { dbName: DEFAULT_DATABASE_NAME }),
        serverSelectionTimeoutMS: 15_000,
      })
      .asPromise();
    logger.info({ uri: where, database: connection.name }, 'database connected');
    let closing: Promise<void> | undefined;
    return {
      connection,
      uri,
      close: () =>
        (closing ??= (async () => {
          try {
            await connection.close();
          } finally {
            await embedded?.stop();
          }
        })()),
    };
  } catch (error) {
    await embedded?.stop();
    // Driver errors can quote the URI; the password must not travel on with them.
    const reason = redactUriCredentials(error instanceof Error ? error.message : String(error));
    throw new Error(`could not connect to the database at ${where}: ${reason}`);
  }
}

// `mongodb://host/name?opts` names a database; `mongodb://host/` and `mongodb://host` do not.
function hasDatabaseName(uri: string): boolean {
  const afterScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = afterScheme.indexOf('/');
  if (slash === -1) return false;
  const name = afterScheme.slice(slash + 1).split('?')[0] ?? '';
  return name.length > 0;
}
