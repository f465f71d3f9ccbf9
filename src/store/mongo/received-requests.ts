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

export class MongoReceivedRequests implements ReceivedRequests {
  private readonly requests: Model<ReceivedRequestDocument>;

  constructor(connection: Connection) {
    this.requests = receivedRequestModel(connection);
  }

  async keep(request: ReceivedRequest): Promise<{ first: boolean; keptAt: Date }> {
    const _id = keyOf(request.channel, request.id);
    const { channel, body, receivedAt } = request;
    if (await insertOnce(this.requests, { _id, channel, body, receivedAt }))
      return { first: true, keptAt: receivedAt };
    const kept = await this.requests.findById(_id, { receivedAt: 1 }).lean<{ receivedAt: Date }>();
    // Done in between: it is no longer kept, and this one is a new try.
    return kept ? { first: false, keptAt: kept.receivedAt } : this.keep(request);
  }

  async done(channel: string, id: string): Promise<void> {
    await this.requests.deleteOne({ _id: keyOf(channel, id) });
  }

  async unfinished(channel: string, limit: number): Promise<ReceivedRequest[]> {
    const found = await this.requests
      .find({ channel })
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
