import { z } from 'zod';
import type { DeskDeps } from '../../app/desk-deps.ts';
import type { TicketFilter } from '../../app/ports.ts';
import { matchesTicketFilter } from '../../app/ticket-filter.ts';
import { getTicket, listTickets } from '../../app/ticket-queries.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { OPEN_STATUSES, STATUSES, type Ticket } from '../../domain/tickets/ticket.ts';

/** Tickets on one page of the list. */
export const PAGE_SIZE = 25;
/**
 * Store pages a search reads at most before it stops and offers to go on: the store has no text
 * index, so a search is a bounded scan of the newest tickets, never a read of the whole history.
 */
export const SEARCH_PAGES = 8;

const blank = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

/** The list's filters as the GET form sends them; an empty field is no filter. */
export const listQuery = z.object({
  status: optional(z.enum([...STATUSES, 'open'])),
  priority: optional(z.string().trim().min(1).max(32)),
  q: optional(z.string().trim().min(1).max(200)),
  organisation: optional(z.string().trim().min(1).max(128)),
  // The store's own cursor shape (as the API checks it); one from another filter is the store's to refuse.
  cursor: optional(z.string().regex(/^[doq][1-9]\d{0,14}$/)),
});
export type ListQuery = z.output<typeof listQuery>;

const TICKET_ID = /^[A-Za-z]+-\d+$/;

export function filterOf(query: ListQuery): TicketFilter {
  return {
    ...(query.status === 'open' ? { statuses: OPEN_STATUSES } : {}),
    ...(query.status && query.status !== 'open' ? { statuses: [query.status] } : {}),
    ...(query.priority ? { priority: query.priority } : {}),
    ...(query.organisation ? { organisationId: query.organisation } : {}),
  };
}

const matchesText = (ticket: Ticket, needle: string) =>
  ticket.id.toLowerCase().includes(needle) || ticket.title.toLowerCase().includes(needle);

/** A ticket by the id typed in the search box, when it is one the filter and the reader allow. */
async function byId(deps: DeskDeps, actorId: string, text: string, filter: TicketFilter) {
  if (!TICKET_ID.test(text)) return undefined;
  try {
    const ticket = await getTicket(deps, actorId, text.toUpperCase());
    return matchesTicketFilter(ticket, filter) ? ticket : undefined;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'notFound') return undefined;
    throw error;
  }
}

/**
 * One page of the list as the reader may see it. Scoping (a contact sees only their own
 * organisation's tickets, whatever the query names) is `listTickets`'s. The repository cannot
 * search text, so a search filters whole store pages here, in the list's order, until a page's
 * worth matched or SEARCH_PAGES were read; `next` then goes on from where the scan stopped.
 */
export async function ticketsFor(
  deps: DeskDeps,
  actorId: string,
  query: ListQuery,
): Promise<{ tickets: Ticket[]; next?: string }> {
  const filter = filterOf(query);
  const from = query.cursor ? { cursor: query.cursor } : {};
  if (!query.q) return listTickets(deps, actorId, { ...filter, limit: PAGE_SIZE, ...from });
  if (!query.cursor) {
    const found = await byId(deps, actorId, query.q, filter);
    if (found) return { tickets: [found] };
  }
  const needle = query.q.toLowerCase();
  const tickets: Ticket[] = [];
  let cursor = query.cursor;
  for (let read = 0; read < SEARCH_PAGES && tickets.length < PAGE_SIZE; read++) {
    const page = await listTickets(deps, actorId, {
      ...filter,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    tickets.push(...page.tickets.filter((ticket) => matchesText(ticket, needle)));
    cursor = page.next;
    if (!cursor) break;
  }
  return { tickets, ...(cursor ? { next: cursor } : {}) };
}
