import type { Connection, Model, QueryFilter } from 'mongoose';
import {
  ConcurrentChangeError,
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  type TicketFilter,
  type TicketRepository,
} from '../../app/ports.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { OPEN_STATUSES, type Ticket } from '../../domain/tickets/ticket.ts';
import { AlreadyExistsError } from './errors.ts';
import { fromDocument, isDuplicateKeyError, toDocument } from './plain.ts';
import { ticketModel, type TicketDocument } from './ticket-model.ts';
import { revisionId, ticketRevisionModel, type TicketRevisionDocument } from './ticket-revision-model.ts';

/** Revisions older than this many versions behind the newest keep only their number. */
const REVISIONS_WITH_CONTENT = 2;

type Lean = TicketDocument;

function toTicket(document: Lean): Ticket {
  const ticket = fromDocument<Ticket>(document);
  // Mongoose leaves out an empty Mixed object on some write paths; the domain always has one.
  return { ...ticket, conversations: ticket.conversations ?? {} };
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

function listQuery(filter: TicketFilter): QueryFilter<TicketDocument> {
  const query: QueryFilter<TicketDocument> = {};
  if (filter.organisationId !== undefined) query.organisationId = filter.organisationId;
  if (filter.assigneeId !== undefined) query.assigneeId = filter.assigneeId;
  if (filter.requesterId !== undefined) query.requesterId = filter.requesterId;
  if (filter.statuses !== undefined) query.status = { $in: [...filter.statuses] };
  if (filter.category !== undefined) query.category = filter.category;
  if (filter.priority !== undefined) query.priority = filter.priority;
  if (filter.responseDueBefore !== undefined) query['sla.responseDue'] = { $lt: filter.responseDueBefore };
  if (filter.createdBefore !== undefined) query.createdAt = { $lt: filter.createdBefore };
  return query;
}

/**
 * Tickets in `tickets`, keyed by their human id, with optimistic concurrency on `version`.
 *
 * `save` is "update where version is still n, write n + 1", made safe on FerretDB v1 too (whose
 * conditional updates are not atomic: several concurrent writers all "match") by first claiming
 * version n + 1 in `ticket_revisions` with a unique `_id`; see ticket-revision-model.ts.
 * Saving a ticket that was never inserted throws `DomainError('notFound')`, the same answer the
 * use cases give for an unknown ticket id.
 */
export class MongoTicketRepository implements TicketRepository {
  private readonly tickets: Model<TicketDocument>;
  private readonly revisions: Model<TicketRevisionDocument>;

  constructor(connection: Connection) {
    this.tickets = ticketModel(connection);
    this.revisions = ticketRevisionModel(connection);
  }

  async insert(ticket: Ticket): Promise<Ticket> {
    const inserted: Ticket = { ...ticket, version: 0 };
    try {
      await this.tickets.create(toDocument(inserted));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new AlreadyExistsError('ticket', ticket.id);
      throw error;
    }
    return inserted;
  }

  async get(id: string): Promise<Ticket | undefined> {
    const document = await this.tickets.findById(id).lean<Lean>();
    return document ? toTicket(document) : undefined;
  }

  async save(ticket: Ticket): Promise<Ticket> {
    const saved: Ticket = { ...ticket, version: ticket.version + 1 };
    const { _id: id, ...content } = toDocument(saved);
    const claim = revisionId(id, saved.version);

    // 1. Claim the new version: only one writer per version gets past this insert.
    try {
      await this.revisions.create({
        _id: claim,
        ticketId: id,
        version: saved.version,
        ticket: content,
        claimedAt: new Date(),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Someone else holds it; finish their write if they died before making it, then report.
      await this.rollForward(id);
      throw new ConcurrentChangeError(id);
    }

    // 2. Write the ticket where it is still at the version this writer read.
    const written = await this.tickets.replaceOne({ _id: id, version: ticket.version }, content);
    if (written.matchedCount === 0) {
      const stored = await this.tickets.findById(id).select({ version: 1 }).lean<{ version: number }>();
      // Another writer, finding our claim, may already have written our version for us.
      if (!stored || stored.version < saved.version) {
        // The claim was never applied (a stale or unknown ticket): withdraw it.
        await this.revisions.deleteOne({ _id: claim });
        if (!stored) throw new DomainError('notFound', { ticket: id });
        throw new ConcurrentChangeError(id);
      }
    }

    // 3. Older revisions keep only their number.
    if (saved.version > REVISIONS_WITH_CONTENT) {
      await this.revisions.updateMany(
        {
          ticketId: id,
          version: { $lte: saved.version - REVISIONS_WITH_CONTENT },
          ticket: { $exists: true },
        },
        { $unset: { ticket: 1 } },
      );
    }
    return saved;
  }

  /** Writes the claimed next version of a ticket when its writer never did. */
  private async rollForward(id: string): Promise<void> {
    const stored = await this.tickets.findById(id).select({ version: 1 }).lean<{ version: number }>();
    if (!stored) return;
    const next = await this.revisions
      .findById(revisionId(id, stored.version + 1))
      .lean<TicketRevisionDocument>();
    if (!next?.ticket) return;
    await this.tickets.replaceOne({ _id: id, version: stored.version }, next.ticket);
  }

  async list(filter: TicketFilter): Promise<Ticket[]> {
    const documents = await this.tickets
      .find(listQuery(filter))
      .sort({ createdAt: -1, _id: -1 })
      .limit(listLimit(filter.limit))
      .lean<Lean[]>();
    return documents.map(toTicket);
  }

  async findOpenByAlertKey(organisationId: string, alertKey: string): Promise<Ticket | undefined> {
    const document = await this.tickets
      .findOne({ organisationId, alertKey, status: { $in: [...OPEN_STATUSES] } })
      .sort({ createdAt: -1 })
      .lean<Lean>();
    return document ? toTicket(document) : undefined;
  }

  async dueForAutoClose(now: Date, limit: number): Promise<Ticket[]> {
    const documents = await this.tickets
      .find({ status: 'resolved', autoCloseAt: { $lte: now } })
      .sort({ autoCloseAt: 1, _id: 1 })
      .limit(Math.max(1, Math.floor(limit)))
      .lean<Lean[]>();
    return documents.map(toTicket);
  }
}
