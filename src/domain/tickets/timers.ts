import type { Contract } from '../sla/contract.ts';
import { plannedTimers } from './sla-clock.ts';
import type { Ticket } from './ticket.ts';

/** The step of the timer that closes a resolved ticket whose customer stayed silent (SPEC 001). */
export const AUTO_CLOSE_STEP = 'autoClose';

/** One moment at which something is due for a ticket; `step` names it, and is its exactly-once key. */
export interface TicketTimer {
  step: string;
  at: Date;
}

/**
 * Every timer the ticket should have now: its SLA reminders and escalations, and for a resolved
 * ticket the moment it closes unless the customer answers. Any change to the ticket replaces its
 * timers with this plan.
 */
export function ticketTimers(ticket: Ticket, contract: Contract): TicketTimer[] {
  const timers: TicketTimer[] = plannedTimers(ticket, contract);
  if (ticket.status === 'resolved' && ticket.autoCloseAt) {
    timers.push({ step: AUTO_CLOSE_STEP, at: ticket.autoCloseAt });
  }
  return timers;
}
