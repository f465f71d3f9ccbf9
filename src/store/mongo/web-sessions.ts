import { Schema, type Connection, type Model } from 'mongoose';
import type { WebSession, WebSessions } from '../../app/ports.ts';
import { modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** `web_sessions`: a signed-in browser by its session id's SHA-256 (`_id`), never the id itself. */
interface SessionDocument {
  _id: string;
  personId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    csrfToken: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'web_sessions' },
);

// Expired sessions go by themselves on MongoDB; FerretDB v1 gets a plain index and the pruning below.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
// A person's sessions: to end them all when they leave (and to see who is signed in).
sessionSchema.index({ personId: 1 });

export const webSessionModel = (connection: Connection): Model<SessionDocument> =>
  modelOn(connection, 'WebSession', sessionSchema, 'web_sessions');

const PRUNE_EVERY_MS = 60 * 60_000;

export class MongoWebSessions implements WebSessions {
  private readonly sessions: Model<SessionDocument>;
  private prunedAt: number | undefined;

  constructor(connection: Connection) {
    this.sessions = webSessionModel(connection);
  }

  async add(session: WebSession): Promise<void> {
    const now = session.createdAt.getTime();
    if (this.prunedAt === undefined || Math.abs(now - this.prunedAt) >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.sessions.deleteMany({ expiresAt: { $lt: session.createdAt } });
    }
    const { idHash, ...rest } = session;
    await this.sessions.create({ _id: idHash, ...rest });
  }

  async get(idHash: string): Promise<WebSession | undefined> {
    const found = await this.sessions.findById(idHash).lean<SessionDocument>();
    if (!found) return undefined;
    const { _id, personId, csrfToken, createdAt, lastSeenAt, expiresAt } = found;
    return { idHash: _id, personId, csrfToken, createdAt, lastSeenAt, expiresAt };
  }

  async touch(idHash: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.sessions.updateOne({ _id: idHash }, { $set: { lastSeenAt, expiresAt } });
  }

  async remove(idHash: string): Promise<void> {
    await this.sessions.deleteOne({ _id: idHash });
  }
}
