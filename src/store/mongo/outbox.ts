import { Schema, type Connection, type Model } from 'mongoose';
import type { Address } from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import type { Notice } from '../../app/notification.ts';
import type { FailedDelivery, NewOutboxEntry, Outbox, OutboxEntry } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

/**
 * `outbox`: the deliveries not yet done, one per message and channel, `_id` "<message id>><channel>".
 * An entry is added once (a repeated add writes nothing), removed when delivered, and kept with its
 * attempts while its channel fails. One given up on moves, with `failedAt`, to `outbox_failed`, for
 * an operator to see. So the outbox holds only what is pending: its poll (`due`) is read by every
 * delivery pass, forever, and on the embedded FerretDB any query but an `_id` lookup reads every
 * document of its collection, so given-up entries, which only accumulate, must not be in it.
 */
interface OutboxDocument {
  _id: string;
  /** Absent on an entry of an older version, which held the whole notice (`notice`) instead. */
  channel: string;
  address: Address;
  message: OutgoingMessage;
  /** An older version's whole notice, before deliveries were kept per channel. */
  notice?: Notice;
  attempts: number;
  addedAt: Date;
  /** When the next attempt is due; absent once given up on. */
  dueAt?: Date;
  failedAt?: Date;
  lastError?: string;
}

const entryFields = {
  _id: { type: String, required: true },
  channel: { type: String, required: true },
  // As the application composed them; their fields vary with the event and the platform.
  address: { type: Schema.Types.Mixed, required: true },
  message: { type: Schema.Types.Mixed, required: true },
  notice: { type: Schema.Types.Mixed },
  attempts: { type: Number, required: true },
  addedAt: { type: Date, required: true },
  dueAt: Date,
  failedAt: Date,
  lastError: String,
};

const outboxSchema = new Schema<OutboxDocument>(entryFields, { ...SCHEMA_OPTIONS, collection: 'outbox' });
const failedSchema = new Schema<OutboxDocument>(entryFields, {
  ...SCHEMA_OPTIONS,
  collection: 'outbox_failed',
});

// Delivery takes what is due, oldest first; an operator lists what was given up on (in the outbox
// only an entry whose move to `outbox_failed` was cut short, see `failed`).
outboxSchema.index({ dueAt: 1 });
outboxSchema.index({ failedAt: -1 });
failedSchema.index({ failedAt: -1 });

export function outboxModel(connection: Connection): Model<OutboxDocument> {
  return modelOn(connection, 'OutboxEntry', outboxSchema, 'outbox');
}

/** `outbox_failed`: the deliveries given up on, as they were in the outbox, with `failedAt`. */
export function failedDeliveryModel(connection: Connection): Model<OutboxDocument> {
  return modelOn(connection, 'FailedDelivery', failedSchema, 'outbox_failed');
}

/** A failure's reason as kept: short, and never more than the channel said. */
const MAX_REASON = 300;

export class MongoOutbox implements Outbox {
  private readonly entries: Model<OutboxDocument>;
  private readonly givenUp: Model<OutboxDocument>;

  constructor(connection: Connection) {
    this.entries = outboxModel(connection);
    this.givenUp = failedDeliveryModel(connection);
  }

  async add(entries: readonly NewOutboxEntry[], addedAt: Date): Promise<void> {
    if (entries.length === 0) return;
    const documents = entries.map((entry) => ({
      _id: entry.id,
      channel: entry.channel,
      address: withoutUndefined(entry.address),
      message: withoutUndefined(entry.message),
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
    // An older version's whole notices wait for the relay to divide them (`undividedNotices`).
    return found.filter((entry) => entry.channel !== undefined).map(entryOf);
  }

  async undividedNotices(limit: number): Promise<Notice[]> {
    const found = await this.entries
      // Not the ones it had given up on: those stay as they were, counted as failed.
      .find({ channel: { $exists: false }, failedAt: { $exists: false } })
      .limit(limit)
      .lean<(OutboxDocument & { notice: Notice })[]>();
    return found.map((entry) => withoutNulls(entry.notice));
  }

  async dropNotices(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.entries.deleteMany({ _id: { $in: [...ids] }, channel: { $exists: false } });
  }

  async failures(limit: number): Promise<FailedDelivery[]> {
    const [moved, unmoved] = await Promise.all([
      this.givenUp.find({}).sort({ failedAt: -1 }).limit(limit).lean<OutboxDocument[]>(),
      // Given up on, but not moved yet (see `failed`); the outbox is small, it holds what is pending.
      this.entries
        .find({ failedAt: { $exists: true } })
        .sort({ failedAt: -1 })
        .limit(limit)
        .lean<OutboxDocument[]>(),
    ]);
    const movedIds = new Set(moved.map((entry) => entry._id));
    const found = [...moved, ...unmoved.filter((entry) => !movedIds.has(entry._id))]
      .sort((a, b) => b.failedAt!.getTime() - a.failedAt!.getTime())
      .slice(0, limit);
    return found.map((entry) => ({
      ...entryOf(entry),
      failedAt: entry.failedAt!,
      lastError: entry.lastError ?? '',
    }));
  }

  async delivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.entries.deleteMany({ _id: { $in: [...ids] } });
  }

  async failed(
    entry: OutboxEntry,
    attempts: number,
    now: Date,
    retryAt: Date | undefined,
    reason: string,
  ): Promise<void> {
    // Written whole: the entry may have been removed meanwhile by a process that found it claimed.
    const written = withoutUndefined({
      channel: entry.channel,
      address: withoutUndefined(entry.address),
      message: withoutUndefined(entry.message),
      attempts,
      addedAt: entry.addedAt,
      dueAt: retryAt,
      failedAt: retryAt ? undefined : now,
      lastError: reason.slice(0, MAX_REASON),
    });
    await this.entries.replaceOne({ _id: entry.id }, written, { upsert: true });
    if (retryAt) return;
    // Given up on: no longer due where it is, then copied out and removed, so that a process
    // stopped between any two steps leaves it listed as failed (once) and never due again.
    await this.givenUp.replaceOne({ _id: entry.id }, written, { upsert: true });
    await this.entries.deleteOne({ _id: entry.id, failedAt: { $exists: true } });
  }

  async backlog(): Promise<{ pending: number; failed: number; oldest?: Date }> {
    const [pending, moved, unmoved, oldest] = await Promise.all([
      this.entries.countDocuments({ dueAt: { $exists: true } }),
      this.givenUp.countDocuments({}),
      // Given up on, not moved yet (see `failed`): none but after a process stopped mid-move.
      this.entries.find({ failedAt: { $exists: true } }, { _id: 1 }).lean<{ _id: string }[]>(),
      this.entries
        .findOne({ dueAt: { $exists: true } })
        .sort({ addedAt: 1 })
        .lean<OutboxDocument>(),
    ]);
    const copied =
      unmoved.length === 0
        ? 0
        : await this.givenUp.countDocuments({ _id: { $in: unmoved.map((entry) => entry._id) } });
    return {
      pending,
      failed: moved + unmoved.length - copied,
      ...(oldest ? { oldest: oldest.addedAt } : {}),
    };
  }
}

function entryOf(entry: OutboxDocument): OutboxEntry {
  return {
    id: entry._id,
    channel: entry.channel,
    address: withoutNulls(entry.address),
    message: withoutNulls(entry.message),
    attempts: entry.attempts,
    addedAt: entry.addedAt,
  };
}
