import type { Ticket } from '../domain/tickets/ticket.ts';
import type { TicketFilter } from './ports.ts';

/** Whether `ticket` is one of those `filter` asks for (paging and limit aside). */
export function matchesTicketFilter(ticket: Ticket, filter: TicketFilter): boolean {
  if (filter.organisationId !== undefined && ticket.organisationId !== filter.organisationId) return false;
  if (filter.assigneeId !== undefined && ticket.assigneeId !== filter.assigneeId) return false;
  if (filter.requesterId !== undefined && ticket.requesterId !== filter.requesterId) return false;
  if (filter.statuses !== undefined && !filter.statuses.includes(ticket.status)) return false;
  if (filter.category !== undefined && ticket.category !== filter.category) return false;
  if (filter.priority !== undefined && ticket.priority !== filter.priority) return false;
  if (filter.responseDueBefore !== undefined && !(ticket.sla.responseDue < filter.responseDueBefore))
    return false;
  if (filter.createdBefore !== undefined && !(ticket.createdAt < filter.createdBefore)) return false;
  return true;
}
