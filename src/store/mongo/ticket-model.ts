import { Schema, type Connection, type Model } from 'mongoose';
import { CATEGORIES, STATUSES, type Ticket } from '../../domain/tickets/ticket.ts';
import { modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** A ticket as stored in `tickets`: the domain ticket with its human id ("SD-1042") as `_id`. */
export type TicketDocument = Omit<Ticket, 'id'> & { _id: string };

const sub = { _id: false, versionKey: false } as const;

const commentSchema = new Schema(
  {
    id: { type: String, required: true },
    authorId: { type: String, required: true },
    body: { type: String },
    visibility: { type: String, enum: ['public', 'internal'], required: true },
    at: { type: Date, required: true },
  },
  sub,
);

const effortSchema = new Schema(
  {
    id: { type: String, required: true },
    personId: { type: String, required: true },
    minutes: { type: Number, required: true },
    note: String,
    billable: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  sub,
);

const billableSchema = new Schema(
  {
    estimateMinutes: { type: Number, required: true },
    reason: String,
    flaggedBy: { type: String, required: true },
    flaggedAt: { type: Date, required: true },
    approvedBy: String,
    approvedAt: Date,
  },
  sub,
);

const pausedSpanSchema = new Schema({ from: { type: Date, required: true }, to: Date }, sub);

const slaSchema = new Schema(
  {
    responseDue: { type: Date, required: true },
    resolutionDue: Date,
    firstResponseAt: Date,
    paused: { type: [pausedSpanSchema], default: undefined },
    responseBreached: { type: Boolean, required: true },
    resolutionBreached: { type: Boolean, required: true },
    notifiedSteps: { type: [String], default: undefined },
    escalationLevel: { type: Number, enum: [0, 1, 2, 3], required: true },
    acknowledgedLevel: { type: Number, enum: [0, 1, 2, 3], required: true },
  },
  sub,
);

export const ticketSchema = new Schema<TicketDocument>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true },
    requesterId: String,
    category: { type: String, enum: CATEGORIES, required: true },
    priority: { type: String, required: true },
    requestedPriority: String,
    origin: new Schema({ channel: String, message: String, thread: String }, sub),
    title: String,
    description: String,
    status: { type: String, enum: STATUSES, required: true },
    assigneeId: String,
    comments: { type: [commentSchema], default: undefined },
    effort: { type: [effortSchema], default: undefined },
    effortThresholdNotified: { type: Boolean, required: true },
    billable: billableSchema,
    problemId: String,
    incidentIds: { type: [String], default: undefined },
    alertKey: String,
    alertCount: Number,
    sla: { type: slaSchema, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    resolvedAt: Date,
    autoCloseAt: Date,
    closedAt: Date,
    version: { type: Number, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'tickets', minimize: false },
);

// No secondary indexes: every read and write of a ticket names its `_id` (lists go through the
// shelves and the open queue, see ticket-shelves.ts), so an index would only slow the writes.

export function ticketModel(connection: Connection): Model<TicketDocument> {
  return modelOn(connection, 'Ticket', ticketSchema, 'tickets');
}
