import type { Connection, Model, Schema } from 'mongoose';

/**
 * Helpers shared by the mongo repositories: turning domain objects into documents and back, and
 * recognising duplicate-key errors from both MongoDB and FerretDB.
 */

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy without `undefined` members, at any depth. The driver would otherwise store them as null;
 * the domain means "absent" (e.g. `resolvedAt` after a reopen).
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(withoutUndefined) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[key] = withoutUndefined(member);
  }
  return copy as T;
}

/** A copy without `null` members (and without mongoose's `__v`), at any depth: optional means absent. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null && member !== undefined && key !== '__v') copy[key] = withoutNulls(member);
  }
  return copy as T;
}

/** A stored document as a domain object: `_id` becomes `id`, nulls and `__v` go. */
export function fromDocument<T extends { id: string }>(document: { _id: string } & object): T {
  const { _id, ...rest } = withoutNulls(document as Record<string, unknown> & { _id: string });
  return { id: _id, ...rest } as unknown as T;
}

/** A domain object as a document: `id` becomes `_id`, undefined members go. */
export function toDocument<T extends { id: string }>(value: T): Omit<T, 'id'> & { _id: string } {
  const { id, ...rest } = withoutUndefined(value);
  return { _id: id, ...rest };
}

/**
 * A unique index (or `_id`) refused a write. MongoDB answers 11000; FerretDB v1 answers 11000 on
 * inserts but an internal error quoting SQLite's "UNIQUE constraint failed" on updates.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 11000 || code === 11001) return true;
  return typeof message === 'string' && /E11000|UNIQUE constraint failed/.test(message);
}

/**
 * The model registered on this connection under `name`, registering it on first use. Models live on
 * the given connection only, never on mongoose's global default connection.
 */
export function modelOn<T>(
  connection: Connection,
  name: string,
  schema: Schema<T>,
  collection: string,
): Model<T> {
  const existing = connection.models[name] as Model<T> | undefined;
  return existing ?? connection.model<T>(name, schema, collection);
}

/** Schema options every store model shares: indexes built by `ensureIndexes` only, no `__v`. */
export const SCHEMA_OPTIONS = {
  autoIndex: false,
  autoCreate: false,
  versionKey: false,
  strict: true,
} as const;

/**
 * Inserts `document` unless one with its `_id` is there: true when inserted now. The one guard
 * MongoDB and FerretDB both enforce atomically, so of any number of writers exactly one gets true.
 */
export async function insertOnce<D>(model: Model<D>, document: D): Promise<boolean> {
  try {
    await model.create(document);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
