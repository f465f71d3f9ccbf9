import { Schema, type Connection, type Model } from 'mongoose';
import type { PendingChange, PendingChanges } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';
import { revisionId } from './versioned-documents.ts';

/**
 * `pending_changes`: the relay's to-do list, one document per change not yet carried out, `_id`
 * "<ticket id>@<version>" like the revision that commits it. Written just before the commit and
 * removed once the change is carried out, so it holds unfinished work only and the relay's scan
 * costs what is unfinished, not what is stored.
 */
interface PendingChangeDocument {
  _id: string;
  ticketId: string;
  version: number;
  since: Date;
}

const pendingChangeSchema = new Schema<PendingChangeDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    version: { type: Number, required: true },
    since: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'pending_changes' },
);

// The relay takes the oldest first.
pendingChangeSchema.index({ since: 1 });

export function pendingChangeModel(connection: Connection): Model<PendingChangeDocument> {
  return modelOn(connection, 'PendingChange', pendingChangeSchema, 'pending_changes');
}

export class MongoPendingChanges implements PendingChanges {
  private readonly entries: Model<PendingChangeDocument>;

  constructor(connection: Connection) {
    this.entries = pendingChangeModel(connection);
  }

  /** `since` is the change's own instant, on the clock the relay compares it with. */
  async add(ticketId: string, version: number, since: Date): Promise<void> {
    try {
      await this.entries.create({ _id: revisionId(ticketId, version), ticketId, version, since });
    } catch (error) {
      // Another writer of the same version has it already: one entry serves both.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async oldest(limit: number): Promise<PendingChange[]> {
    const found = await this.entries.find().sort({ since: 1 }).limit(limit).lean<PendingChangeDocument[]>();
    return found.map(({ ticketId, version, since }) => ({ ticketId, version, since }));
  }

  async done(ticketId: string, version: number): Promise<void> {
    await this.entries.deleteOne({ _id: revisionId(ticketId, version) });
  }

  async backlog(): Promise<{ count: number; oldest?: Date }> {
    const [count, oldest] = await Promise.all([
      this.entries.estimatedDocumentCount(),
      this.entries.findOne().sort({ since: 1 }).lean<PendingChangeDocument>(),
    ]);
    return { count, ...(oldest ? { oldest: oldest.since } : {}) };
  }
}
