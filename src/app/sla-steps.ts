import { autoClose } from '../domain/tickets/lifecycle.ts';
import { recordStep } from '../domain/tickets/escalation.ts';
import { plannedTimers } from '../domain/tickets/sla-clock.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import type { DeskDeps } from './desk-deps.ts';
import { changeTicket } from './ticket-changes.ts';

/** Job runners and the saving process may disagree on the time by a little; not by more. */
const CLOCK_SKEW_MS = 2_000;

/**
 * A timer went off. The step is announced only if the ticket still plans it and it is due now;
 * the version-checked save makes the announcement happen once, however many workers or re-runs
 * race for it: a loser re-reads the ticket, finds the step recorded, and does nothing.
 */
export async function fireSlaStep(deps: DeskDeps, ticketId: string, step: string): Promise<Ticket> {
  return changeTicket(deps, ticketId, ({ ticket, contract, at }) => {
    const timer = plannedTimers(ticket, contract).find((t) => t.step === step);
    if (!timer || timer.at.getTime() > at.getTime() + CLOCK_SKEW_MS) return { ticket, events: [] };
    return recordStep(ticket, timer, contract, { at });
  });
}

/** Closes resolved tickets whose customers stayed silent past the contract's period, batch by batch. */
export async function closeSilentTickets(deps: DeskDeps, batch = 100): Promise<number> {
  let closed = 0;
  for (;;) {
    const due = await deps.tickets.dueForAutoClose(deps.clock.now(), batch);
    const before = closed;
    for (const { id } of due) {
      const ticket = await changeTicket(deps, id, ({ ticket, at }) =>
        ticket.status === 'resolved' && ticket.autoCloseAt && ticket.autoCloseAt <= at
          ? autoClose(ticket, { at })
          : { ticket, events: [] },
      );
      if (ticket.status === 'closed') closed++;
    }
    // A short batch was the last; a full one may have more behind it (closed ones drop out of the
    // query), unless none of it would close, which asking again would not change.
    if (due.length < batch || closed === before) return closed;
  }
}
