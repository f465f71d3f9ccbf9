import { Schema, type Connection, type Model } from 'mongoose';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import type { Conversation, ConversationStore } from '../../app/ports.ts';
import { insertOnce, modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

/**
 * `conversations`: one document per (ticket, channel, audience), `_id`
 * "<ticketId>|<channel>|<audience>", holding the root message the conversation threads under.
 * `conversation_threads`: `_id` "<channel>|<thread>" → the ticket and audience, so a reply is
 * traced back by `_id` alone (the one lookup the embedded FerretDB serves from an index).
 *
 * Both are unique inserts, so of two senders starting the same conversation at once the first
 * stays, and nothing here touches the ticket document: a reference written never bumps its version.
 */
interface ConversationDocument {
  _id: string;
  ticketId: string;
  channel: string;
  audience: string;
  root: { id: string; thread: string };
  shownVersion?: number;
  card?: OutgoingMessage;
  startedAt: Date;
}

interface ThreadDocument {
  _id: string;
  ticketId: string;
  audience: string;
  at: Date;
}

const conversationSchema = new Schema<ConversationDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    channel: { type: String, required: true },
    audience: { type: String, required: true },
    root: {
      type: new Schema(
        { id: { type: String, required: true }, thread: { type: String, required: true } },
        { _id: false },
      ),
      required: true,
    },
    shownVersion: Number,
    // The newest card message, as the application composed it.
    card: { type: Schema.Types.Mixed },
    startedAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'conversations' },
);

const threadSchema = new Schema<ThreadDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    audience: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'conversation_threads' },
);

// No secondary indexes: every read and write names an `_id`.

export function conversationModel(connection: Connection): Model<ConversationDocument> {
  return modelOn(connection, 'Conversation', conversationSchema, 'conversations');
}

export function conversationThreadModel(connection: Connection): Model<ThreadDocument> {
  return modelOn(connection, 'ConversationThread', threadSchema, 'conversation_threads');
}

// Channel names and ticket ids never hold a "|", so each key splits back one way only.
export const conversationId = (ticketId: string, channel: string, audience: string): string =>
  `${ticketId}|${channel}|${audience}`;
export const threadId = (channel: string, thread: string): string => `${channel}|${thread}`;

const asConversation = ({ _id, startedAt: _startedAt, ...stored }: ConversationDocument): Conversation =>
  withoutNulls(stored) as Conversation;

export class MongoConversationStore implements ConversationStore {
  private readonly conversations: Model<ConversationDocument>;
  private readonly threads: Model<ThreadDocument>;

  constructor(connection: Connection) {
    this.conversations = conversationModel(connection);
    this.threads = conversationThreadModel(connection);
  }

  async get(
    ticketId: string,
    channel: string,
    audience: Conversation['audience'],
  ): Promise<Conversation | undefined> {
    const stored = await this.conversations
      .findById(conversationId(ticketId, channel, audience))
      .lean<ConversationDocument>();
    return stored ? asConversation(stored) : undefined;
  }

  async start(conversation: Conversation): Promise<Conversation> {
    const { ticketId, channel, audience, root } = conversation;
    const at = new Date();
    // The thread first: a crash before the conversation is written leaves a thread that still
    // leads to its ticket, never a conversation whose replies cannot be traced.
    await insertOnce(this.threads, { _id: threadId(channel, root.thread), ticketId, audience, at });
    const _id = conversationId(ticketId, channel, audience);
    const stored = { _id, ...conversation, startedAt: at };
    if (await insertOnce(this.conversations, stored)) return asConversation(stored);
    const first = await this.conversations.findById(_id).lean<ConversationDocument>();
    if (!first) throw new Error(`conversation ${_id} refused as a duplicate but not found`);
    return asConversation(first);
  }

  async show(
    ticketId: string,
    channel: string,
    audience: Conversation['audience'],
    card: OutgoingMessage,
  ): Promise<Conversation | undefined> {
    const _id = conversationId(ticketId, channel, audience);
    const version = card.ticketVersion;
    // One conditional single-document write: only a newer version replaces the card. On FerretDB
    // v1 a conditional update is a read and then a write, so two at the very same instant may both
    // apply; the senders read the conversation again after updating the platform and push what it
    // holds then, so the last of them shows the newest.
    await this.conversations.updateOne(
      { _id, $or: [{ shownVersion: { $exists: false } }, { shownVersion: { $lt: version } }] },
      { $set: { shownVersion: version, card: withoutUndefined(card) } },
    );
    const stored = await this.conversations.findById(_id).lean<ConversationDocument>();
    return stored ? asConversation(stored) : undefined;
  }

  async ticketOfThread(
    channel: string,
    thread: string,
  ): Promise<{ ticketId: string; audience: Conversation['audience'] } | undefined> {
    const found = await this.threads.findById(threadId(channel, thread)).lean<ThreadDocument>();
    return found
      ? { ticketId: found.ticketId, audience: found.audience as Conversation['audience'] }
      : undefined;
  }
}
