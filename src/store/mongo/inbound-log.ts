import { Schema, type Connection, type Model } from 'mongoose';
import type { InboundLog } from '../../app/ports.ts';
import { insertOnce, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/**
 * `inbound_events`: one document per handled chat event, `_id` "<channel>:<eventId>", a unique
 * insert. For opens and comments it only speeds up a redelivery: what they did is idempotent by
 * its own key (the open's idempotency key, the comment's id), so an entry that expired or was never
 * written (a crash after doing, before recording) costs a repeated no-op, never a second ticket or
 * comment. A button press has no such key: it is recorded first, as its claim (see press-button.ts).
 */
interface InboundEventDocument {
  _id: string;
  at: Date;
}

/**
 * Every handled chat event adds an entry, so entries are dropped after a week: far beyond any
 * platform's redelivery (Slack's Events API retries three times, the last about five minutes on).
 */
export const INBOUND_EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often (in event time) one process drops the expired entries. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

const inboundEventSchema = new Schema<InboundEventDocument>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'inbound_events' },
);

// For dropping expired entries. Not a TTL index: FerretDB v1 refuses `expireAfterSeconds` ("not
// implemented yet"), so the log drops them itself, the same way on both servers.
inboundEventSchema.index({ at: 1 });

export function inboundEventModel(connection: Connection): Model<InboundEventDocument> {
  return modelOn(connection, 'InboundEvent', inboundEventSchema, 'inbound_events');
}

export const inboundEventId = (channel: string, eventId: string): string => `${channel}:${eventId}`;

export class MongoInboundLog implements InboundLog {
  private readonly events: Model<InboundEventDocument>;
  private prunedAt: number | undefined;

  constructor(connection: Connection) {
    this.events = inboundEventModel(connection);
  }

  async handled(channel: string, eventId: string): Promise<boolean> {
    return (await this.events.exists({ _id: inboundEventId(channel, eventId) })) !== null;
  }

  async record(channel: string, eventId: string, at: Date): Promise<boolean> {
    return insertOnce(this.events, { _id: inboundEventId(channel, eventId), at });
  }

  /**
   * At most once an hour per process, measured on the desk's clock (so a test clock moves it too).
   * On the embedded FerretDB the delete reads the whole collection, which pruning keeps to about a
   * week of events; it runs in the relay's pass, never inside a chat user's request.
   */
  async prune(now: Date): Promise<void> {
    if (this.prunedAt !== undefined && Math.abs(now.getTime() - this.prunedAt) < PRUNE_EVERY_MS) return;
    this.prunedAt = now.getTime();
    await this.events.deleteMany({ at: { $lt: new Date(now.getTime() - INBOUND_EVENT_RETENTION_MS) } });
  }
}
