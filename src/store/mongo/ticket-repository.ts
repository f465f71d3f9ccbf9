import type { Connection, Model } from 'mongoose';
import {
  ConcurrentChangeError,
  type TicketFilter,
  type TicketPage,
  type TicketRepository,
} from '../../app/ports.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { AlreadyExistsError } from './errors.ts';
import { fromDocument, isDuplicateKeyError, toDocument } from './plain.ts';
import { DEFAULT_TICKET_PREFIX, ticketIdOf, ticketNumbers } from './ticket-ids.ts';
import { TicketLists } from './ticket-lists.ts';
import { ticketModel, type TicketDocument } from './ticket-model.ts';
import { revisionId, ticketRevisionModel, type TicketRevisionDocument } from './ticket-revision-model.ts';
import { TicketShelves } from './ticket-shelves.ts';

/** Revisions older than this many versions behind the newest keep only their number. */
const REVISIONS_WITH_CONTENT = 2;

type Lean = TicketDocument;

function toTicket(document: Lean): Ticket {
  const ticket = fromDocument<Ticket>(document);
  // Mongoose leaves out an empty Mixed object on some write paths; the domain always has one.
  return { ...ticket, conversations: ticket.conversations ?? {} };
}

/** Rounds of "write the newest claimed version" one settle call makes at most. */
const SETTLE_ROUNDS = 10;

/**
 * Tickets in `tickets`, keyed by their human id, with optimistic concurrency on `version`.
 *
 * `save` of a ticket read at version n writes version n + 1, and only one writer per version can:
 * it first claims version n + 1 in `ticket_revisions` with a unique `_id` ("SD-5@3"; see
 * ticket-revision-model.ts), the one guard every server enforces atomically (FerretDB v1 runs
 * conditional updates as a read, then a write). Having the claim, the writer replaces the ticket by
 * `_id` alone. Every read and write of a save is by `_id`: the embedded FerretDB 1.24 (SQLite) hands
 * a filter that is exactly `{ _id: value }` to SQLite, and decodes every document of the collection
 * in Go for any other (`{ _id, version }`, `{ ticketId, version }`, `{ _id: { $in } }`), about ten
 * times the cost per stored document. (Even `{ _id }` is no index lookup there: SQLite reads rows
 * until the one asked for, and an update or delete reads the table once more; only an insert
 * costs the same whatever the collection holds.)
 *
 * Who writes the ticket: the claim's owner, and anyone who finds a claim above the stored version
 * ("settling": a writer that died after claiming is finished this way, and a loser of a race
 * settles before it reports). All of them write a claim's own content, with `findOneAndReplace`,
 * and look at the ticket it replaced: a write that lands late, after a newer version (possible
 * only when a writer stalls between reading and writing while its claim is settled and the next
 * save goes through), is seen by its own writer, which settles the ticket forward again at once.
 * See `settle`.
 *
 * Saving a ticket that was never inserted throws `DomainError('notFound')`, the same answer the
 * use cases give for an unknown ticket id.
 */
export class MongoTicketRepository implements TicketRepository {
  private readonly tickets: Model<TicketDocument>;
  private readonly revisions: Model<TicketRevisionDocument>;
  private readonly shelves: TicketShelves;
  private readonly lists: TicketLists;

  constructor(connection: Connection, prefix: string = DEFAULT_TICKET_PREFIX) {
    this.tickets = ticketModel(connection);
    this.revisions = ticketRevisionModel(connection);
    this.shelves = new TicketShelves(connection);
    this.lists = new TicketLists(
      this.tickets,
      this.shelves,
      ticketNumbers(connection, prefix),
      (number) => ticketIdOf(prefix, number),
      toTicket,
    );
  }

  async insert(ticket: Ticket): Promise<Ticket> {
    const inserted: Ticket = { ...ticket, version: 0 };
    await this.shelves.placeNew(inserted);
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

    // 1. The ticket must still be at the version this writer read. Checked before claiming, so
    //    that only a version that really follows the stored one is ever claimed (a claim is never
    //    taken back once someone may have applied it).
    const stored = await this.storedVersion(id);
    if (stored === undefined) throw new DomainError('notFound', { ticket: id });
    if (stored !== ticket.version) {
      // Behind it: a write that landed late set it back (bring it forward again), or the version
      // was never stored (nothing to do).
      if (stored < ticket.version) await this.settle(id);
      throw new ConcurrentChangeError(id);
    }

    // 2. Claim the new version: only one writer per version gets past this insert.
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
      // Someone else holds it: finish their write if they died before making it, then report.
      await this.settle(id);
      throw new ConcurrentChangeError(id);
    }

    // 3. Write the ticket. The claim makes this writer the only one to move it to this version, so
    //    no condition on the stored version is needed (a settler may have written the same
    //    content already). The ticket as it was just before tells whether this write was late.
    const before = await this.tickets
      .findOneAndReplace({ _id: id }, content, { returnDocument: 'before' })
      .lean<{ version: number }>();
    if (!before) {
      // Gone since step 1 (deleted by hand): nobody can apply the claim, so take it back.
      await this.revisions.deleteOne({ _id: claim });
      throw new DomainError('notFound', { ticket: id });
    }

    // 4. It replaced a newer version: this write landed late (the claim was settled meanwhile, and
    //    the next save went through). Bring the ticket forward again.
    if (before.version > saved.version) await this.settle(id);
    else await this.shelves.follow(saved);

    // 5. Older revisions keep only their number; each save tombstones the one now two behind.
    if (saved.version > REVISIONS_WITH_CONTENT) {
      await this.revisions.updateOne(
        { _id: revisionId(id, saved.version - REVISIONS_WITH_CONTENT) },
        { $unset: { ticket: 1 } },
      );
    }
    return saved;
  }

  /**
   * Brings the stored ticket up to its newest claimed version: walks the claims above the stored
   * version by `_id` ("SD-5@4", "SD-5@5", … until one is missing) and writes the newest one's
   * content. The newest claim always has its content (a revision is tombstoned only once two newer
   * versions were saved), and its content already holds every older change, so the walk may skip
   * versions. Used for a writer that died between its claim and its write, and to repair a write
   * that landed late; when its own write replaced a newer version, it goes round again.
   */
  private async settle(id: string): Promise<void> {
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      const stored = await this.storedVersion(id);
      if (stored === undefined) return;
      let newest: TicketRevisionDocument | undefined;
      for (let version = stored + 1; ; version++) {
        const claim = await this.revisions.findById(revisionId(id, version)).lean<TicketRevisionDocument>();
        if (!claim) break;
        newest = claim;
      }
      if (!newest?.ticket) return;
      const before = await this.tickets
        .findOneAndReplace({ _id: id }, newest.ticket, { returnDocument: 'before' })
        .lean<{ version: number }>();
      if (!before) return;
      if (before.version <= newest.version) {
        await this.shelves.follow(toTicket({ ...(newest.ticket as Omit<TicketDocument, '_id'>), _id: id }));
        return;
      }
    }
  }

  private async storedVersion(id: string): Promise<number | undefined> {
    const stored = await this.tickets.findById(id).select({ version: 1 }).lean<{ version: number }>();
    return stored?.version;
  }

  list(filter: TicketFilter): Promise<TicketPage> {
    return this.lists.list(filter);
  }
}
