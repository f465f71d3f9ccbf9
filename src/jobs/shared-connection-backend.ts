import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend, JobRepository } from 'agenda';
import type { Collection, Db } from 'mongodb';
import type { JobsLogger } from './job-names.ts';

/** The index agenda's MongoBackend would build itself (`ensureIndex`), for finding and locking due jobs. */
const LOCK_INDEX = { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 } as const;

/**
 * One job per ticket and step. Sparse, so jobs without those fields (`auto-close`) stay out of it
 * on MongoDB; FerretDB ignores `sparse` but its SQLite indexes treat missing values as distinct,
 * which comes to the same. (Partial indexes would say it better; FerretDB 1.24 refuses them.)
 */
const TIMER_INDEX = { 'data.ticketId': 1, 'data.step': 1 } as const;
export const TIMER_INDEX_NAME = 'sla_timer_unique';

/**
 * Agenda's MongoBackend on a database the application already holds open (the mongoose
 * connection's), with two changes made by wrapping rather than configuring:
 * - `connect()` never rejects. Agenda calls it from its constructor without a `catch`, so a
 *   failure there would be an unhandled rejection (a crash) and `agenda.ready` would never settle.
 *   Index creation failures are logged instead; the jobs still work, only slower and without the
 *   unique guard.
 * - No job-event logger: MongoBackend's own would create an `agenda_logs` collection and three
 *   indexes on every connect even with logging off; pino logs job failures instead.
 * The connection belongs to the caller: `disconnect()` leaves it open.
 */
export class SharedConnectionBackend implements AgendaBackend {
  readonly name = 'MongoDB (shared mongoose connection)';
  readonly notificationChannel = undefined;
  readonly ownsConnection = false;
  readonly collection: Collection;
  private readonly mongo: MongoBackend;

  constructor(
    db: Db,
    collectionName: string,
    private readonly log: JobsLogger,
  ) {
    this.mongo = new MongoBackend({ mongo: db, collection: collectionName, ensureIndex: false });
    this.collection = db.collection(collectionName);
  }

  get repository(): JobRepository {
    return this.mongo.repository;
  }

  async connect(): Promise<void> {
    try {
      // With a Db passed in and ensureIndex off this only picks the collection: no I/O.
      await this.mongo.repository.connect();
      await this.collection.createIndex(LOCK_INDEX, { name: 'findAndLockNextJobIndex' });
      await this.collection.createIndex(TIMER_INDEX, { name: TIMER_INDEX_NAME, unique: true, sparse: true });
    } catch (error) {
      this.log.error(
        { err: error, collection: this.collection.collectionName },
        'job indexes could not be built',
      );
    }
  }

  async disconnect(): Promise<void> {}
}
