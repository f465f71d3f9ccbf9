import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditLog } from '../../app/ports.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

/**
 * `audit_entries`: one document per change of a ticket, `_id` "<ticket id>@<version>" (the version
 * the change saved), holding the change's events as the domain made them (Dates kept as Dates).
 * A ticket's history is thus read by `_id` alone, whatever else is stored; an entry is inserted
 * once, and an append repeated for the same version (a retry, a repair) writes nothing.
 */
interface AuditEntryDocument {
  _id: string;
  ticketId: string;
  version: number;
  events: TicketEvent[];
}

const auditEntrySchema = new Schema<AuditEntryDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    version: { type: Number, required: true },
    // Each event's fields vary with its type and are kept as given.
    events: { type: Schema.Types.Mixed, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'audit_entries' },
);

export const auditEntryId = (ticketId: string, version: number): string => `${ticketId}@${version}`;

export function auditEntryModel(connection: Connection): Model<AuditEntryDocument> {
  return modelOn(connection, 'AuditEntry', auditEntrySchema, 'audit_entries');
}

/** Entries read by one `_id` query at most; the embedded database pushes down an `$in` of up to 500. */
const READ_BATCH = 200;

/** Append-only: entries are inserted, never updated or deleted. */
export class MongoAuditLog implements AuditLog {
  private readonly entries: Model<AuditEntryDocument>;

  constructor(connection: Connection) {
    this.entries = auditEntryModel(connection);
  }

  async append(ticketId: string, version: number, events: readonly TicketEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.entries.create({
        _id: auditEntryId(ticketId, version),
        ticketId,
        version,
        events: events.map(withoutUndefined),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async forTicket(ticket: { id: string; version: number }): Promise<TicketEvent[]> {
    const ids = Array.from({ length: ticket.version + 1 }, (_, version) => auditEntryId(ticket.id, version));
    const found: AuditEntryDocument[] = [];
    for (let from = 0; from < ids.length; from += READ_BATCH) {
      const batch = ids.slice(from, from + READ_BATCH);
      found.push(...(await this.entries.find({ _id: { $in: batch } }).lean<AuditEntryDocument[]>()));
    }
    // Change by change, then in time order (a stable sort keeps the order within a change).
    return found
      .sort((a, b) => a.version - b.version)
      .flatMap((entry) => entry.events.map((event) => withoutNulls(event) as TicketEvent))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
