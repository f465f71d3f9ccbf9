import { Schema, type Connection, type Model } from 'mongoose';
import type { TicketDocument } from './ticket-model.ts';
import { modelOn, SCHEMA_OPTIONS } from './plain.ts';

/**
 * One claimed version of a ticket, in `ticket_revisions`, `_id` "SD-1042@3".
 *
 * Saving version n+1 first inserts this document: `_id` is unique on every server, so exactly one
 * writer per version gets past it, even on FerretDB v1 whose conditional updates are not atomic.
 * It carries the new ticket until the ticket itself is written, so a writer that dies between the
 * two steps leaves something the next writer can finish ("settle") instead of a stuck ticket.
 * Older revisions keep only their version number (a tombstone that stops the number being claimed
 * again by a writer holding a stale ticket).
 *
 * Always addressed by `_id` (the repository knows every number it needs): on the embedded FerretDB
 * any other filter reads the whole collection. `ticketId` and `version` are kept for people reading
 * the collection; no query uses them, so they have no index.
 */
export interface TicketRevisionDocument {
  _id: string;
  ticketId: string;
  version: number;
  /** The ticket at this version; removed once two newer versions exist. */
  ticket?: TicketDocument;
  claimedAt: Date;
}

export const ticketRevisionSchema = new Schema<TicketRevisionDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    version: { type: Number, required: true },
    // Stored as written by the ticket repository (already cast and checked against ticketSchema).
    ticket: Schema.Types.Mixed,
    claimedAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'ticket_revisions', minimize: false },
);

export const revisionId = (ticketId: string, version: number): string => `${ticketId}@${version}`;

export function ticketRevisionModel(connection: Connection): Model<TicketRevisionDocument> {
  return modelOn(connection, 'TicketRevision', ticketRevisionSchema, 'ticket_revisions');
}
