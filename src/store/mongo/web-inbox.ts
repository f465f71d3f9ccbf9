import type { ButtonActionName } from '../../app/action-steps.ts';
import { Schema, type Connection, type Model } from 'mongoose';
import type { WebInbox, WebMessage, WebMessageBody, WebReader } from '../../channels/web/web-inbox.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutUndefined } from './plain.ts';

/** `web_messages`: what the web channel was sent, by its ref (`_id`), for the browsers to read. */
interface WebMessageDocument {
  _id: string;
  thread: string;
  reader: string;
  ticketId: string;
  body: WebMessageBody;
  updates: number;
  postedAt: Date;
  changedAt: Date;
  written?: string;
  answered?: string;
  /** The order messages were kept in, which the desk's clock cannot give (many share an instant). */
  seq: number;
}

const webMessageSchema = new Schema<WebMessageDocument>(
  {
    _id: { type: String, required: true },
    thread: { type: String, required: true },
    reader: { type: String, required: true },
    ticketId: { type: String, required: true },
    body: { type: Schema.Types.Mixed, required: true },
    updates: { type: Number, required: true },
    postedAt: { type: Date, required: true },
    changedAt: { type: Date, required: true },
    seq: { type: Number, required: true },
    written: { type: String },
    answered: { type: String },
  },
  { ...SCHEMA_OPTIONS, collection: 'web_messages', minimize: false },
);

// A reader's newest messages (the chat panel, the queue's cards), and one ticket's of them.
webMessageSchema.index({ reader: 1, seq: -1 });
webMessageSchema.index({ reader: 1, ticketId: 1 });
// What changed last for a reader: the live stream's poll.
webMessageSchema.index({ reader: 1, changedAt: -1 });

export const webMessageModel = (connection: Connection): Model<WebMessageDocument> =>
  modelOn(connection, 'WebMessage', webMessageSchema, 'web_messages');

const DEFAULT_LIMIT = 200;

let kept = 0;
/** Wall-clock microseconds, counted on within one: increasing in this process, roughly so across. */
const nextSeq = (): number => Date.now() * 1000 + (kept++ % 1000);

const fromDocument = (found: WebMessageDocument): WebMessage => ({
  ref: found._id,
  thread: found.thread,
  reader: found.reader as WebReader,
  ticketId: found.ticketId,
  body: found.body,
  updates: found.updates,
  postedAt: found.postedAt,
  changedAt: found.changedAt,
  ...(found.written === undefined || found.written === null ? {} : { written: found.written }),
  ...(found.answered === undefined || found.answered === null
    ? {}
    : { answered: found.answered as ButtonActionName }),
});

export class MongoWebInbox implements WebInbox {
  private readonly messages: Model<WebMessageDocument>;

  constructor(connection: Connection) {
    this.messages = webMessageModel(connection);
  }

  async post(message: WebMessage): Promise<void> {
    const { ref, ...rest } = message;
    try {
      await this.messages.create(withoutUndefined({ _id: ref, ...rest, seq: nextSeq() }));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async update(ref: string, body: WebMessageBody, changedAt: Date): Promise<boolean> {
    const result = await this.messages.updateOne(
      { _id: ref },
      { $set: { body: withoutUndefined(body), changedAt }, $inc: { updates: 1 } },
    );
    return result.matchedCount > 0;
  }

  async answer(ref: string, action: ButtonActionName, at: Date): Promise<void> {
    await this.messages.updateOne({ _id: ref }, { $set: { answered: action, changedAt: at } });
  }

  async get(ref: string): Promise<WebMessage | undefined> {
    const found = await this.messages.findById(ref).lean<WebMessageDocument>();
    return found ? fromDocument(found) : undefined;
  }

  async forReader(reader: WebReader, options: { ticketId?: string; limit?: number } = {}) {
    const filter = { reader, ...(options.ticketId ? { ticketId: options.ticketId } : {}) };
    const found = await this.messages
      .find(filter)
      .sort({ seq: -1 })
      .limit(options.limit ?? DEFAULT_LIMIT)
      .lean<WebMessageDocument[]>();
    return found.reverse().map(fromDocument);
  }

  async lastChange(readers: readonly WebReader[]): Promise<Date | undefined> {
    const found = await this.messages
      .findOne({ reader: { $in: [...readers] } }, { changedAt: 1 })
      .sort({ changedAt: -1 })
      .lean<Pick<WebMessageDocument, 'changedAt'>>();
    return found?.changedAt;
  }
}
