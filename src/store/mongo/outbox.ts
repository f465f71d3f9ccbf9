import { Schema, type Connection, type Model } from 'mongoose';
import type { Notice } from '../../app/notification.ts';
import type { Outbox, OutboxEntry } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

/**
 * `outbox`: the notices not yet delivered, `_id` the notice's id. An entry is added once (a repeated
 * add of the same notice writes nothing), removed when delivered, and kept with its attempts while
 * a delivery fails; one given up on stays, with `failedAt`, for an operator to see. Delivered
 * notices leave, so the collection holds only what is pending.
 */
interface OutboxDocument {
  _id: string;
  notice: Notice;
  attempts: number;
  addedAt: Date;
  /** When the next attempt is due; absent once given up on. */
  dueAt?: Date;
  failedAt?: Date;
  lastError?: string;
}

const outboxSchema = new Schema<OutboxDocument>(
  {
    _id: { type: String, required: true },
    // As the application decided it; its fields vary with the event.
    notice: { type: Schema.Types.Mixed, required: true },
    attempts: { type: Number, required: true },
    addedAt: { type: Date, required: true },
    dueAt: Date,
    failedAt: Date,
    lastError: String,
  },
  { ...SCHEMA_OPTIONS, collection: 'outbox' },
);

// Delivery takes what is due, oldest first.
outboxSchema.index({ dueAt: 1 });

export function outboxModel(connection: Connection): Model<OutboxDocument> {
  return modelOn(connection, 'OutboxEntry', outboxSchema, 'outbox');
}

/** A failure's reason as kept: short, and never more than the channel said. */
const MAX_REASON = 300;

export class MongoOutbox implements Outbox {
  private readonly entries: Model<OutboxDocument>;

  constructor(connection: Connection) {
    this.entries = outboxModel(connection);
  }

  async add(notices: readonly Notice[], addedAt: Date): Promise<void> {
    if (notices.length === 0) return;
    const documents = notices.map((notice) => ({
      _id: notice.id,
      notice: withoutUndefined(notice),
      attempts: 0,
      addedAt,
      dueAt: addedAt,
    }));
    try {
      await this.entries.insertMany(documents, { ordered: false });
    } catch (error) {
      // Some were added before (the change is carried out again): those stay as they are.
      const writeErrors = (error as { writeErrors?: unknown[] }).writeErrors;
      if (!isDuplicateKeyError(error) && !writeErrors?.every((e) => isDuplicateKeyError(e))) throw error;
    }
  }

  async due(now: Date, limit: number): Promise<OutboxEntry[]> {
    const found = await this.entries
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .lean<OutboxDocument[]>();
    return found.map((entry) => ({
      notice: withoutNulls(entry.notice),
      attempts: entry.attempts,
      addedAt: entry.addedAt,
    }));
  }

  async delivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.entries.deleteMany({ _id: { $in: [...ids] } });
  }

  async failed(
    notice: Notice,
    attempts: number,
    now: Date,
    retryAt: Date | undefined,
    reason: string,
  ): Promise<void> {
    // Written whole: the entry may have been removed meanwhile by a process that found it claimed.
    await this.entries.replaceOne(
      { _id: notice.id },
      withoutUndefined({
        notice: withoutUndefined(notice),
        attempts,
        addedAt: now,
        dueAt: retryAt,
        failedAt: retryAt ? undefined : now,
        lastError: reason.slice(0, MAX_REASON),
      }),
      { upsert: true },
    );
  }

  async backlog(): Promise<{ pending: number; failed: number; oldest?: Date }> {
    const [pending, failed, oldest] = await Promise.all([
      this.entries.countDocuments({ dueAt: { $exists: true } }),
      this.entries.countDocuments({ failedAt: { $exists: true } }),
      this.entries
        .findOne({ dueAt: { $exists: true } })
        .sort({ addedAt: 1 })
        .lean<OutboxDocument>(),
    ]);
    return { pending, failed, ...(oldest ? { oldest: oldest.addedAt } : {}) };
  }
}
