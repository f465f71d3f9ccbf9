import { DomainError } from '../domain/domain-error.ts';
import { isDeskSide, type Person } from '../domain/desk/people.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import type { DeskDeps } from './desk-deps.ts';
import { requireCanSee } from './policy.ts';
import type { TicketFilter, TicketPage } from './ports.ts';
import { loadActor } from './ticket-changes.ts';

/** The ticket as this person may see it: customers never see the desk's internal notes. */
export function visibleTo(actor: Person, ticket: Ticket): Ticket {
  if (isDeskSide(actor)) return ticket;
  return { ...ticket, comments: ticket.comments.filter((c) => c.visibility === 'public') };
}

async function seenBy(deps: DeskDeps, actor: Person, ticketId: string): Promise<Ticket> {
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket) throw new DomainError('notFound', { ticket: ticketId });
  requireCanSee(actor, ticket);
  return visibleTo(actor, ticket);
}

export async function getTicket(deps: DeskDeps, actorId: string, ticketId: string): Promise<Ticket> {
  return seenBy(deps, await loadActor(deps, actorId), ticketId);
}

/** A contact's list is always their own organisation's, whatever filter they ask for. */
export async function listTickets(
  deps: DeskDeps,
  actorId: string,
  filter: TicketFilter,
): Promise<TicketPage> {
  const actor = await loadActor(deps, actorId);
  const scoped = isDeskSide(actor) ? filter : { ...filter, organisationId: actor.organisationId ?? '-' };
  if (!isDeskSide(actor) && filter.organisationId && filter.organisationId !== actor.organisationId)
    return { tickets: [] };
  const page = await deps.tickets.list(scoped);
  return { ...page, tickets: page.tickets.map((ticket) => visibleTo(actor, ticket)) };
}

/** The audit trail of a ticket; internal comments' events stay with the desk. */
export async function ticketHistory(
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
): Promise<TicketEvent[]> {
  const actor = await loadActor(deps, actorId);
  const ticket = await seenBy(deps, actor, ticketId);
  const events = await deps.audit.forTicket(ticket);
  return isDeskSide(actor)
    ? events
    : events.filter((e) => !(e.type === 'commented' && e.visibility === 'internal'));
}
