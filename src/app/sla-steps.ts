import { autoClose } from '../domain/tickets/lifecycle.ts';
import { recordStep } from '../domain/tickets/escalation.ts';
import { plannedTimers, stepName } from '../domain/tickets/sla-clock.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import type { DeskDeps } from './desk-deps.ts';
import { changeTicket, loadOrganisation } from './ticket-changes.ts';

/** Job runners and the saving process may disagree on the time by a little; not by more. */
const CLOCK_SKEW_MS = 2_000;

/**
 * A timer went off. The step is announced only if the ticket still plans it and it is due now;
 * the version-checked save makes the announcement happen once, however many workers or re-runs
 * race for it: a loser re-reads the ticket, finds the step recorded, and does nothing.
 */
export async function fireSlaStep(deps: DeskDeps, ticketId: string, step: string): Promise<Ticket> {
  const ticket = await changeTicket(deps, ticketId, ({ ticket, contract, at }) => {
    const timer = plannedTimers(ticket, contract).find((t) => t.step === step);
    if (!timer || timer.at.getTime() > at.getTime() + CLOCK_SKEW_MS) return { ticket, events: [] };
    return recordStep(ticket, timer, contract, { at });
  });
  if (ticket.sla.notifiedSteps.includes(step)) await tellStepAgain(deps, ticket, step);
  return ticket;
}

/**
 * Makes sure the people of an announced step were told: after a worker died between saving the
 * step and sending, or a chat platform refused, the job's next run lands here. The delivery log
 * skips whoever was told already; a failure throws so that the job runs again later.
 */
async function tellStepAgain(deps: DeskDeps, ticket: Ticket, step: string): Promise<void> {
  const organisation = await loadOrganisation(deps, ticket.organisationId);
  const contract = deps.contracts.contract(organisation.contractId);
  // A stopped clock (work started, ticket resolved) no longer needs the step told.
  const timer = plannedTimers(ticket, contract, { includeAnnounced: true }).find((t) => t.step === step);
  if (!timer) return;
  const told = (await deps.audit.forTicket(ticket.id)).find(
    (event) =>
      (event.type === 'reminder' || event.type === 'escalated') &&
      stepName(event.clock, event.type === 'reminder' ? 0 : event.level) === step,
  );
  const event = told ?? recordStep(ticket, timer, contract, { at: deps.clock.now() }).events[0]!;
  await deps.tell.tell([event], ticket, organisation);
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
