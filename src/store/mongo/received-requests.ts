import { Schema, type Connection, type Model } from 'mongoose';
import type { ReceivedRequest, ReceivedRequests } from '../../app/ports.ts';
import { insertOnce, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/**
 * `received_requests`: platform requests acked and not yet worked, `_id` "<channel>|<id>". An
 * entry lives from just before its ack to the end of its work, so the collection holds only what a
 * dead process left behind and the few requests at work right now: reading it stays cheap.
 */
interface ReceivedRequestDocument {
  _id: string;
  channel: string;
  /** JSON as received: a platform's field names (dots, dollars) are not ours to store as keys. */
  body: string;
  receivedAt: Date;
}

const receivedRequestSchema = new Schema<ReceivedRequestDocument>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    body: { type: String, required: true },
    receivedAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'received_requests' },
);

// The start-up pass: one channel's unfinished requests, oldest first.
receivedRequestSchema.index({ channel: 1, receivedAt: 1 });

export function receivedRequestModel(connection: Connection): Model<ReceivedRequestDocument> {
  return modelOn(connection, 'ReceivedRequest', receivedRequestSchema, 'received_requests');
}

const keyOf = (channel: string, id: string) => `${channel}|${id}`;

interface Waiting {
  document: ReceivedRequestDocument;
  kept(outcome: { first: boolean; keptAt: Date }): void;
  failed(error: unknown): void;
}

/**
 * Keeps are written together: the requests that come while one write is on its way go in the
 * next, as one insertMany. Every request waits for its own keep before its ack either way; under
 * load, one write per batch instead of one per request is what keeps the acks fast (on the
 * embedded FerretDB every write is a SQLite transaction).
 */
export class MongoReceivedRequests implements ReceivedRequests {
  private readonly requests: Model<ReceivedRequestDocument>;
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(connection: Connection) {
    this.requests = receivedRequestModel(connection);
  }

  keep(request: ReceivedRequest): Promise<{ first: boolean; keptAt: Date }> {
    const { channel, body, receivedAt } = request;
    const document = { _id: keyOf(channel, request.id), channel, body, receivedAt };
    return new Promise((kept, failed) => {
      this.waiting.push({ document, kept, failed });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    let taken = new Set<number>();
    try {
      // The driver's own insertMany: mongoose's would validate each document again, for nothing.
      await this.requests.collection.insertMany(batch.map((w) => w.document) as never[], { ordered: false });
    } catch (error) {
      const refused = writeErrorsOf(error);
      if (!refused || refused.some((e) => e.code !== 11000)) {
        // The ones written before the failure are taken back: their requests are answered as
        // failed, and Slack's retry must find them not kept.
        const written = Object.values((error as { insertedIds?: Record<number, string> }).insertedIds ?? {});
        if (written.length > 0)
          await this.requests.deleteMany({ _id: { $in: written } }).catch(() => undefined);
        for (const waiting of batch) waiting.failed(error);
        return;
      }
      taken = new Set(refused.map((e) => e.index));
    }
    for (const [index, waiting] of batch.entries()) {
      if (!taken.has(index)) waiting.kept({ first: true, keptAt: waiting.document.receivedAt });
      else void this.keptBefore(waiting);
    }
  }

  /** A request kept before (a redelivery): when that was, or, done since, kept anew. */
  private async keptBefore(waiting: Waiting): Promise<void> {
    try {
      const kept = await this.requests
        .findById(waiting.document._id, { receivedAt: 1 })
        .lean<{ receivedAt: Date }>();
      if (kept) waiting.kept({ first: false, keptAt: kept.receivedAt });
      else if (await insertOnce(this.requests, waiting.document)) {
        waiting.kept({ first: true, keptAt: waiting.document.receivedAt });
      } else waiting.kept({ first: false, keptAt: waiting.document.receivedAt });
    } catch (error) {
      waiting.failed(error);
    }
  }

  async done(channel: string, id: string): Promise<void> {
    await this.requests.deleteOne({ _id: keyOf(channel, id) });
  }

  async unfinished(channel: string, before: Date, limit: number): Promise<ReceivedRequest[]> {
    const found = await this.requests
      .find({ channel, receivedAt: { $lt: before } })
      .sort({ receivedAt: 1 })
      .limit(limit)
      .lean<ReceivedRequestDocument[]>();
    return found.map(({ _id, channel: of, body, receivedAt }) => ({
      channel: of,
      id: _id.slice(of.length + 1),
      body,
      receivedAt,
    }));
  }
}

/** The duplicate and other refusals of an unordered insertMany, by the index of each document. */
function writeErrorsOf(error: unknown): { index: number; code: number }[] | undefined {
  const found = (error as { writeErrors?: unknown }).writeErrors;
  if (found === undefined) return undefined;
  return (Array.isArray(found) ? found : [found]) as { index: number; code: number }[];
}
