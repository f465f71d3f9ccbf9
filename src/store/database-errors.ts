/**
 * Driver errors that mean "the database cannot be reached right now" rather than "this operation
 * is wrong": no server to select, a broken or timed-out connection, a pool cleared after one, a
 * client closed under the caller, a server shutting down or without a primary. The desk answers
 * these with 503 and tries again later; they are never a bug of ours.
 */
const UNREACHABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoClientClosedError',
]);

// ShutdownInProgress, InterruptedAtShutdown, PrimarySteppedDown, InterruptedDueToReplStateChange,
// NotWritablePrimary, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary, HostUnreachable, HostNotFound.
const UNREACHABLE_CODES = new Set([91, 11600, 189, 11602, 10107, 13435, 13436, 6, 7]);

// Mongoose's own words when an operation meets a connection that is not (or no longer) open.
const UNREACHABLE_MESSAGE =
  /buffering timed out|Connection was force closed|before initial connection is complete/;

export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, code, message, cause, errors } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof name === 'string' && UNREACHABLE_NAMES.has(name)) return true;
  if (typeof name === 'string' && name.startsWith('Mongo') && typeof code === 'number') {
    if (UNREACHABLE_CODES.has(code)) return true;
  }
  if (typeof name === 'string' && /^Mongo/.test(name) && typeof message === 'string') {
    if (UNREACHABLE_MESSAGE.test(message)) return true;
  }
  if (isDatabaseUnreachable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => isDatabaseUnreachable(inner, depth + 1));
}

/** Start-up found no database answering at MONGODB_URI (`where` has its credentials hidden). */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    readonly where: string,
    readonly waitedMs: number,
    readonly reason: string,
  ) {
    super(`no database answers at ${where} (waited ${Math.round(waitedMs / 1000)} s): ${reason}`);
  }
}

/** Start-up reached the database but could not use it (refused credentials, say). */
export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError';
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`could not connect to the database at ${where}: ${reason}`);
  }
}

/** The embedded database died and could not be brought back: the process should exit. */
export class DatabaseLostError extends Error {
  override readonly name = 'DatabaseLostError';
  constructor(
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(`the embedded database stopped and ${attempts} restarts failed (last: ${reason})`);
  }
}

/** The embedded database did not start at all (its output is in the log). */
export class EmbeddedDatabaseError extends Error {
  override readonly name = 'EmbeddedDatabaseError';
  constructor(
    readonly reason: string,
    readonly dataDir: string,
  ) {
    super(`the embedded database did not start: ${reason}`);
  }
}
