import { Schema, type Connection, type Model } from 'mongoose';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { ClaimedSequence, claimsIn, counterModel, type CounterDocument } from './claimed-sequence.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutUndefined } from './plain.ts';

/**
 * The small, `_id`-addressed documents that let a list read what its page shows instead of the
 * whole `tickets` collection (the embedded FerretDB serves nothing but `_id` from an index):
 *
 * - `ticket_shelf`: each organisation's tickets in the order they were opened, one document per
 *   ticket, `_id` "org:<organisation id>#<k>" with k = 1, 2, 3 … from the sequence
 *   `shelf:org:<organisation id>`. A page of an organisation's tickets is the shelf numbers below
 *   the cursor, read by `_id`, then those tickets by `_id`. Append-only.
 * - `open_tickets`: one summary per ticket that is not closed (`_id` = ticket id): what the open
 *   queue filters on. A page of the queue reads the summaries of the ticket numbers below the
 *   cursor, then the tickets that match, all by `_id`; a closed ticket has no summary.
 *
 * Both are hints, never the truth: every list checks each ticket it returns against the filter on
 * the ticket itself. An entry is written before the change it describes can be seen (shelf and
 * first summary before the ticket is inserted), so a crash in between leaves an entry for nothing,
 * which lists skip, rather than a ticket no list shows.
 */

interface ShelfEntryDocument {
  _id: string;
  ticketId: string;
}

export interface OpenTicketSummary {
  _id: string;
  organisationId: string;
  status: Ticket['status'];
  priority: string;
  category: Ticket['category'];
  assigneeId?: string;
  requesterId?: string;
  version: number;
}

const shelfEntrySchema = new Schema<ShelfEntryDocument>(
  { _id: { type: String, required: true }, ticketId: { type: String, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'ticket_shelf' },
);

const openTicketSchema = new Schema<OpenTicketSummary>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true },
    status: { type: String, required: true },
    priority: { type: String, required: true },
    category: { type: String, required: true },
    assigneeId: String,
    requesterId: String,
    version: { type: Number, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'open_tickets' },
);

export function shelfEntryModel(connection: Connection): Model<ShelfEntryDocument> {
  return modelOn(connection, 'TicketShelfEntry', shelfEntrySchema, 'ticket_shelf');
}

export function openTicketModel(connection: Connection): Model<OpenTicketSummary> {
  return modelOn(connection, 'OpenTicket', openTicketSchema, 'open_tickets');
}

/** Every ticket but a closed one is pending work: new, being worked, waiting, resolved but not accepted. */
export const inOpenQueue = (ticket: Pick<Ticket, 'status'>): boolean => ticket.status !== 'closed';

export const shelfEntryId = (organisationId: string, position: number): string =>
  `org:${organisationId}#${position}`;

export class TicketShelves {
  readonly entries: Model<ShelfEntryDocument>;
  readonly open: Model<OpenTicketSummary>;
  private readonly counters: Model<CounterDocument>;
  private readonly sequences = new Map<string, ClaimedSequence<{ ticketId: string }>>();

  constructor(connection: Connection) {
    this.entries = shelfEntryModel(connection);
    this.open = openTicketModel(connection);
    this.counters = counterModel(connection);
  }

  /** The organisation's shelf: position k holds the k-th ticket opened for it. */
  shelf(organisationId: string): ClaimedSequence<{ ticketId: string }> {
    let sequence = this.sequences.get(organisationId);
    if (!sequence) {
      sequence = new ClaimedSequence(
        this.counters,
        `shelf:org:${organisationId}`,
        claimsIn(this.entries, (position) => shelfEntryId(organisationId, position)),
      );
      this.sequences.set(organisationId, sequence);
    }
    return sequence;
  }

  /** Before a new ticket is inserted: its place on its organisation's shelf and in the open queue. */
  async placeNew(ticket: Ticket): Promise<void> {
    await Promise.all([
      this.shelf(ticket.organisationId).next({ ticketId: ticket.id }),
      this.summarise(ticket),
    ]);
  }

  private async summarise(ticket: Ticket): Promise<void> {
    if (!inOpenQueue(ticket)) return;
    try {
      await this.open.create(this.summary(ticket));
    } catch (error) {
      // A summary for this id already (a retried insert): the next save corrects it.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** After a save: the summary follows the ticket, and goes when it is closed. */
  async follow(ticket: Ticket): Promise<void> {
    if (inOpenQueue(ticket)) {
      await this.open.replaceOne({ _id: ticket.id }, this.summary(ticket), { upsert: true });
    } else {
      await this.open.deleteOne({ _id: ticket.id });
    }
  }

  /** A summary whose ticket does not exist (its insert never happened). */
  async forget(ticketId: string): Promise<void> {
    await this.open.deleteOne({ _id: ticketId });
  }

  private summary(ticket: Ticket): OpenTicketSummary {
    return withoutUndefined({
      _id: ticket.id,
      organisationId: ticket.organisationId,
      status: ticket.status,
      priority: ticket.priority,
      category: ticket.category,
      assigneeId: ticket.assigneeId,
      requesterId: ticket.requesterId,
      version: ticket.version,
    });
  }
}
