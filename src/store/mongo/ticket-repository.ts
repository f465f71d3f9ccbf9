import type { Connection, Model } from 'mongoose';
import {
  ConcurrentChangeError,
  type ChangeEffects,
  type TicketFilter,
  type TicketPage,
  type TicketRepository,
} from '../../app/ports.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { AlreadyExistsError } from './errors.ts';
import { MongoPendingChanges } from './pending-changes.ts';
import { fromDocument, toDocument, withoutNulls, withoutUndefined } from './plain.ts';
import { DEFAULT_TICKET_PREFIX, ticketIdOf, ticketNumbers } from './ticket-ids.ts';
import { TicketLists } from './ticket-lists.ts';
import { ticketModel, type TicketDocument } from './ticket-model.ts';
import { TicketShelves } from './ticket-shelves.ts';
import {
  CreatedAlreadyError,
  MissingDocumentError,
  revisionModel,
  StaleVersionError,
  VersionedDocuments,
} from './versioned-documents.ts';

function toTicket(document: TicketDocument): Ticket {
  // Tickets stored before conversations moved to their own store still carry their old map.
  const { conversations: _dropped, ...ticket } = fromDocument<Ticket & { conversations?: unknown }>(document);
  return ticket;
}

/** The ticket revisions, where each change of a ticket is committed (see versioned-documents.ts). */
export function ticketRevisions(connection: Connection): VersionedDocuments<TicketDocument, ChangeEffects> {
  const shelves = new TicketShelves(connection);
  return new VersionedDocuments<TicketDocument, ChangeEffects>(
    ticketModel(connection),
    revisionModel(connection, 'ticket'),
    (document) => shelves.follow(toTicket(document)),
  );
}

/**
 * Tickets in `tickets`, keyed by their human id, with optimistic concurrency on `version`.
 *
 * A change is committed by one insert: the ticket's revision (`ticket_revisions`, "SD-5@3") holds
 * the ticket as changed and the change's effects (audit events, notices), so a ticket is never
 * stored without what it must cause. Just before, the change gets its to-do entry for the relay
 * (`pending_changes`, see pending-changes.ts); the ticket itself is then replaced by `_id` (or,
 * after a crash, by whoever settles it). Every read and write is by `_id`: the embedded FerretDB
 * serves nothing else from an index.
 *
 * Saving a ticket that was never inserted throws `DomainError('notFound')`, the same answer the
 * use cases give for an unknown ticket id.
 */
export class MongoTicketRepository implements TicketRepository {
  private readonly tickets: Model<TicketDocument>;
  private readonly versions: VersionedDocuments<TicketDocument, ChangeEffects>;
  private readonly pending: MongoPendingChanges;
  private readonly shelves: TicketShelves;
  private readonly lists: TicketLists;

  constructor(connection: Connection, prefix: string = DEFAULT_TICKET_PREFIX) {
    this.tickets = ticketModel(connection);
    this.versions = ticketRevisions(connection);
    this.pending = new MongoPendingChanges(connection);
    this.shelves = new TicketShelves(connection);
    this.lists = new TicketLists(
      this.tickets,
      this.shelves,
      ticketNumbers(connection, prefix),
      (number) => ticketIdOf(prefix, number),
      toTicket,
    );
  }

  async insert(ticket: Ticket, effects: ChangeEffects): Promise<Ticket> {
    const inserted: Ticket = { ...ticket, version: 0 };
    try {
      // The shelf entry and summary come first: a crash after them leaves entries for nothing,
      // which lists skip, rather than a ticket no list shows.
      await this.versions.create(toDocument(inserted) as TicketDocument, storable(effects), async () => {
        await this.pending.add(inserted.id, 0, inserted.updatedAt);
        await this.shelves.placeNew(inserted);
      });
    } catch (error) {
      if (error instanceof CreatedAlreadyError) throw new AlreadyExistsError('ticket', ticket.id);
      throw error;
    }
    return inserted;
  }

  async get(id: string): Promise<Ticket | undefined> {
    const document = await this.tickets.findById(id).lean<TicketDocument>();
    return document ? toTicket(document) : undefined;
  }

  async save(ticket: Ticket, effects: ChangeEffects): Promise<Ticket> {
    const saved: Ticket = { ...ticket, version: ticket.version + 1 };
    try {
      await this.versions.save(toDocument(saved) as TicketDocument, storable(effects), () =>
        this.pending.add(saved.id, saved.version, saved.updatedAt),
      );
    } catch (error) {
      if (error instanceof StaleVersionError) throw new ConcurrentChangeError(ticket.id);
      if (error instanceof MissingDocumentError) throw new DomainError('notFound', { ticket: ticket.id });
      throw error;
    }
    return saved;
  }

  async settle(id: string): Promise<Ticket | undefined> {
    await this.versions.settle(id);
    return this.get(id);
  }

  async committed(id: string, version: number): Promise<ChangeEffects | undefined> {
    const revision = await this.versions.revision(id, version);
    if (!revision) return undefined;
    return readable(revision.effects);
  }

  list(filter: TicketFilter): Promise<TicketPage> {
    return this.lists.list(filter);
  }
}

/** Effects as stored: no undefined members (the driver would write them as null). */
const storable = (effects: ChangeEffects): ChangeEffects => withoutUndefined(effects);

/** Effects as read back: optional members absent, not null. */
export const readable = (effects: ChangeEffects | undefined): ChangeEffects => ({
  events: (effects?.events ?? []).map((event) => withoutNulls(event)),
  notices: (effects?.notices ?? []).map((notice) => withoutNulls(notice)),
});
