import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { AuditLog } from '../../app/ports.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import { modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

/**
 * One event in `audit_events`: the ticket event as the domain made it (its own `type` and fields,
 * Dates kept as Dates), with an ObjectId `_id` made in append order.
 */
type AuditEventDocument = TicketEvent & { _id: Types.ObjectId };

const auditEventSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    ticketId: { type: String, required: true },
    type: { type: String, required: true },
    actorId: String,
    at: { type: Date, required: true },
  },
  // The rest of each event varies with its type and is kept as given.
  { ...SCHEMA_OPTIONS, strict: false, collection: 'audit_events' },
);

// A ticket's history in time order, then append order.
auditEventSchema.index({ ticketId: 1, at: 1, _id: 1 });

export function auditEventModel(connection: Connection): Model<AuditEventDocument> {
  return modelOn(
    connection,
    'AuditEvent',
    auditEventSchema,
    'audit_events',
  ) as unknown as Model<AuditEventDocument>;
}

/**
 * Append-only: events are inserted, never updated or deleted. Within one process ObjectIds made in
 * a row ascend, so events of one append (usually sharing `at`) read back in the order given.
 */
export class MongoAuditLog implements AuditLog {
  private readonly events: Model<AuditEventDocument>;

  constructor(connection: Connection) {
    this.events = auditEventModel(connection);
  }

  async append(events: readonly TicketEvent[]): Promise<void> {
    if (events.length === 0) return;
    const documents = events.map((event) => ({ ...withoutUndefined(event), _id: new Types.ObjectId() }));
    await this.events.insertMany(documents, { ordered: true });
  }

  async forTicket(ticketId: string): Promise<TicketEvent[]> {
    const documents = await this.events
      .find({ ticketId })
      .sort({ at: 1, _id: 1 })
      .lean<AuditEventDocument[]>();
    return documents.map(({ _id, ...event }) => withoutNulls(event) as TicketEvent);
  }
}
