import type { Model } from 'mongoose';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, type TicketFilter, type TicketPage } from '../../app/ports.ts';
import { matchesTicketFilter } from '../../app/ticket-filter.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { ClaimedSequence } from './claimed-sequence.ts';
import type { TicketDocument } from './ticket-model.ts';
import { shelfEntryId, type OpenTicketSummary, type TicketShelves } from './ticket-shelves.ts';

/** Positions read by `_id` in one round of a walk. */
const ROUND = 50;
/** Positions one page looks at, at most: a rare filter gives a short page with a cursor, not a long call. */
const PAGE_BUDGET = 1_000;

type CursorKind = 'd' | 'o' | 'q';

/**
 * Lists, each reading what its page shows, by `_id` (see ticket-shelves.ts):
 * - one organisation's tickets: its shelf, the latest registered first;
 * - the whole desk: ticket numbers from the newest down;
 * - when only statuses short of closed are asked for (the open queue), either walk reads the
 *   summaries of the tickets it passes first (closed tickets have none) and only the tickets that
 *   match.
 * A page's cursor is the position it stopped at (`o<shelf place>`, `q<number>` for the desk's open
 * queue, `d<number>`), so paging never skips or repeats a ticket, even among tickets registered in
 * the same millisecond.
 */
export class TicketLists {
  constructor(
    private readonly tickets: Model<TicketDocument>,
    private readonly shelves: TicketShelves,
    private readonly ticketNumbers: ClaimedSequence<unknown>,
    private readonly ticketId: (number: number) => string,
    private readonly toTicket: (document: TicketDocument) => Ticket,
  ) {}

  async list(filter: TicketFilter): Promise<TicketPage> {
    const limit = listLimit(filter.limit);
    const openOnly = filter.statuses !== undefined && !filter.statuses.includes('closed');
    if (openOnly && filter.statuses!.length === 0) return { tickets: [] };
    const open = openOnly ? new OpenSummaries(this.shelves, filter) : undefined;
    const { organisationId } = filter;
    if (organisationId !== undefined) {
      const below = startBelow(
        readCursor(filter.cursor, 'o'),
        await this.shelves.shelf(organisationId).top(),
      );
      return this.walk(
        'o',
        filter,
        limit,
        below,
        async (positions) => {
          const ids = await this.shelvedTickets(organisationId, positions);
          return open ? open.matching(ids) : ids;
        },
        open?.repair,
      );
    }
    const kind = open ? 'q' : 'd';
    const below = startBelow(readCursor(filter.cursor, kind), await this.ticketNumbers.top());
    return this.walk(
      kind,
      filter,
      limit,
      below,
      async (positions) => {
        const ids = positions.map(this.ticketId);
        return open ? open.matching(ids) : ids;
      },
      open?.repair,
    );
  }

  /** Tickets by `_id`, in one query; those that do not exist are left out. */
  async byIds(ids: readonly string[]): Promise<Map<string, Ticket>> {
    const found = new Map<string, Ticket>();
    if (ids.length === 0) return found;
    const documents = await this.tickets.find({ _id: { $in: [...new Set(ids)] } }).lean<TicketDocument[]>();
    for (const document of documents) found.set(document._id, this.toTicket(document));
    return found;
  }

  /** The ticket ids at these shelf positions of the organisation (undefined where none is). */
  private async shelvedTickets(
    organisationId: string,
    positions: readonly number[],
  ): Promise<(string | undefined)[]> {
    const ids = positions.map((position) => shelfEntryId(organisationId, position));
    const entries = await this.shelves.entries
      .find({ _id: { $in: ids } })
      .lean<{ _id: string; ticketId: string }[]>();
    const byId = new Map(entries.map((entry) => [entry._id, entry.ticketId]));
    return ids.map((id) => byId.get(id));
  }

  /**
   * Walks positions from `below - 1` down, ROUND at a time, resolving each to a ticket id and
   * keeping the tickets that match, until the page is full, the budget is spent, or position 1 was
   * read. The cursor names the last position looked at.
   */
  private async walk(
    kind: CursorKind,
    filter: TicketFilter,
    limit: number,
    below: number,
    resolve: (positions: readonly number[]) => Promise<(string | undefined)[]>,
    onRead?: (id: string, ticket: Ticket | undefined) => Promise<void>,
  ): Promise<TicketPage> {
    const tickets: Ticket[] = [];
    const seen = new Set<string>();
    let position = below;
    let looked = 0;
    while (position > 1 && tickets.length < limit && looked < PAGE_BUDGET) {
      const positions = Array.from({ length: Math.min(ROUND, position - 1) }, (_, i) => position - 1 - i);
      const ids = await resolve(positions);
      const found = await this.byIds(ids.filter((id): id is string => id !== undefined));
      if (onRead) for (const id of new Set(ids)) if (id !== undefined) await onRead(id, found.get(id));
      for (const [index, at] of positions.entries()) {
        position = at;
        looked++;
        const ticket = found.get(ids[index] ?? '');
        if (!ticket || seen.has(ticket.id) || !matchesTicketFilter(ticket, filter)) continue;
        seen.add(ticket.id);
        tickets.push(ticket);
        if (tickets.length === limit) break;
      }
    }
    return position > 1 ? { tickets, next: `${kind}${position}` } : { tickets };
  }
}

/** The open queue's summaries of the tickets a walk passes, read by `_id` a round at a time. */
class OpenSummaries {
  private readonly seen = new Map<string, OpenTicketSummary>();

  constructor(
    private readonly shelves: TicketShelves,
    private readonly filter: TicketFilter,
  ) {}

  /** The ids whose summary matches the filter; undefined for the others (closed: no summary). */
  async matching(ids: readonly (string | undefined)[]): Promise<(string | undefined)[]> {
    const wanted = ids.filter((id): id is string => id !== undefined);
    const found =
      wanted.length === 0
        ? []
        : await this.shelves.open.find({ _id: { $in: wanted } }).lean<OpenTicketSummary[]>();
    for (const summary of found) this.seen.set(summary._id, summary);
    return ids.map((id) => {
      const summary = id === undefined ? undefined : this.seen.get(id);
      return summary && summaryMatches(summary, this.filter) ? id : undefined;
    });
  }

  /** A summary a change that did not finish left behind, or one whose ticket never came: put right as seen. */
  readonly repair = async (id: string, ticket: Ticket | undefined): Promise<void> => {
    if (!ticket) await this.shelves.forget(id);
    else if (this.seen.get(id)?.version !== ticket.version) await this.shelves.follow(ticket);
  };
}

/** What a summary can tell of the filter; the ticket itself is checked after. */
function summaryMatches(summary: OpenTicketSummary, filter: TicketFilter): boolean {
  if (filter.statuses !== undefined && !filter.statuses.includes(summary.status)) return false;
  for (const key of ['organisationId', 'assigneeId', 'requesterId', 'priority', 'category'] as const) {
    if (filter[key] !== undefined && summary[key] !== filter[key]) return false;
  }
  return true;
}

/** Where a walk starts: below the cursor, never above the newest position (a made-up cursor). */
const startBelow = (cursor: number | undefined, top: number): number => Math.min(cursor ?? Infinity, top + 1);

function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

/** The position a cursor of `kind` stands for; undefined without one; a refusal for another list's. */
function readCursor(cursor: string | undefined, kind: CursorKind): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^([doq])([1-9]\d{0,14})$/.exec(cursor);
  if (!match || match[1] !== kind) throw new DomainError('badCursor', { cursor });
  return Number(match[2]);
}
