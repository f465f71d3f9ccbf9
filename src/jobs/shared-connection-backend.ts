import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend, JobRepository } from 'agenda';
import type { Collection, Db } from 'mongodb';
import type { JobsLogger } from './job-names.ts';

/** The index agenda's MongoBackend would build itself (`ensureIndex`), for finding and locking due jobs. */
const LOCK_INDEX = { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 } as const;

/**
 * The unique index on `(data.ticketId, data.step)` earlier versions built. The scheduler now
 * inserts a moved timer's new job before it deletes the old one, which this index would refuse;
 * `connect()` drops it where it is left.
 */
export const LEGACY_TIMER_INDEX_NAME = 'sla_timer_unique';

/** MongoDB's and FerretDB's "no such index" (IndexNotFound) and "no such collection" (NamespaceNotFound). */
function isMissing(error: unknown): boolean {
  const { code, codeName } = (error ?? {}) as { code?: unknown; codeName?: unknown };
  return code === 27 || code === 26 || codeName === 'IndexNotFound' || codeName === 'NamespaceNotFound';
}

/**
 * The repository with one change: while a look for due jobs of a name is under way, another look
 * for that name (a poll round that starts before the last one finished, on a slow database) finds
 * nothing instead of reading the whole jobs collection beside it. The round under way goes on
 * filling the queue, so nothing due is missed.
 */
export function oneLookAtATime(repository: JobRepository): JobRepository {
  const looking = new Set<string>();
  const getNextJobToRun: JobRepository['getNextJobToRun'] = async (name, ...rest) => {
    if (looking.has(name)) return undefined;
    looking.add(name);
    try {
      return await repository.getNextJobToRun(name, ...rest);
    } finally {
      looking.delete(name);
    }
  };
  return new Proxy(repository, {
    get(target, property) {
      if (property === 'getNextJobToRun') return getNextJobToRun;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Agenda's MongoBackend on a database the application already holds open (the mongoose
 * connection's), with two changes made by wrapping rather than configuring:
 * - `connect()` never rejects. Agenda calls it from its constructor without a `catch`, so a
 *   failure there would be an unhandled rejection (a crash) and `agenda.ready` would never settle.
 *   Index failures are logged instead; the jobs still work, only slower. It also runs the caller's
 *   `prepare` step, which thus comes before anything that waits for `agenda.ready`.
 * - No job-event logger: MongoBackend's own would create an `agenda_logs` collection and three
 *   indexes on every connect even with logging off; pino logs job failures instead.
 * - A poll never overlaps another for the same job name (`oneLookAtATime`).
 * The connection belongs to the caller: `disconnect()` leaves it open.
 */
export class SharedConnectionBackend implements AgendaBackend {
  readonly name = 'MongoDB (shared mongoose connection)';
  readonly notificationChannel = undefined;
  readonly ownsConnection = false;
  readonly collection: Collection;
  readonly repository: JobRepository;
  private readonly mongo: MongoBackend;

  /** `prepare` runs last in `connect()`, before `agenda.ready` settles; its failure is logged. */
  constructor(
    db: Db,
    collectionName: string,
    private readonly log: JobsLogger,
    private readonly prepare?: () => Promise<void>,
  ) {
    this.mongo = new MongoBackend({ mongo: db, collection: collectionName, ensureIndex: false });
    this.collection = db.collection(collectionName);
    this.repository = oneLookAtATime(this.mongo.repository);
  }

  async connect(): Promise<void> {
    let step = 'job indexes could not be built';
    try {
      // With a Db passed in and ensureIndex off this only picks the collection: no I/O.
      await this.mongo.repository.connect();
      await this.collection.createIndex(LOCK_INDEX, { name: 'findAndLockNextJobIndex' });
      step = 'the old one-job-per-step index could not be dropped; moving a timer fails while it is there';
      await this.dropLegacyIndex();
      step = 'job storage could not be prepared';
      await this.prepare?.();
    } catch (error) {
      this.log.error({ err: error, collection: this.collection.collectionName }, step);
    }
  }

  private async dropLegacyIndex(): Promise<void> {
    try {
      await this.collection.dropIndex(LEGACY_TIMER_INDEX_NAME);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    this.log.info(
      { collection: this.collection.collectionName, index: LEGACY_TIMER_INDEX_NAME },
      'dropped the one-job-per-step index of an earlier version',
    );
  }

  async disconnect(): Promise<void> {}
}
