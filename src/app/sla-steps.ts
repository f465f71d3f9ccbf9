import { recordStep } from '../domain/tickets/escalation.ts';
import { autoClose } from '../domain/tickets/lifecycle.ts';
import { plannedTimers } from '../domain/tickets/sla-clock.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { AUTO_CLOSE_STEP } from '../domain/tickets/timers.ts';
import type { DeskDeps } from './desk-deps.ts';
import { planTimers } from './relay.ts';
import { changeTicket, loadOrganisation } from './ticket-changes.ts';

/** Job runners and the saving process may disagree on the time by a little; not by more. */
const CLOCK_SKEW_MS = 2_000;

const isDue = (at: Date | undefined, now: Date): boolean =>
  at !== undefined && at.getTime() <= now.getTime() + CLOCK_SKEW_MS;

/**
 * A ticket's timer went off: an SLA step (reminder, escalation level) or its auto-close. The job
 * runner keeps one job per ticket, for its earliest timer, so whatever this firing did, the
 * ticket's timers are planned again at the end and the next one gets its job. What the step
 * announces is committed with it and delivered through the outbox, which tries again until it
 * gets through.
 */
export async function fireTimer(deps: DeskDeps, ticketId: string, step: string): Promise<Ticket> {
  const ticket =
    step === AUTO_CLOSE_STEP ? await closeIfSilent(deps, ticketId) : await fireSlaStep(deps, ticketId, step);
  const organisation = await loadOrganisation(deps, ticket.organisationId);
  await planTimers(deps, ticket, deps.contracts.contract(organisation.contractId));
  return ticket;
}

/**
 * The step is announced only if the ticket still plans it and it is due now; the version-checked
 * save makes the announcement happen once, however many workers or re-runs race for it: a loser
 * re-reads the ticket, finds the step recorded, and does nothing.
 */
function fireSlaStep(deps: DeskDeps, ticketId: string, step: string): Promise<Ticket> {
  return changeTicket(deps, ticketId, ({ ticket, contract, at }) => {
    const timer = plannedTimers(ticket, contract).find((t) => t.step === step);
    if (!timer || !isDue(timer.at, at)) return { ticket, events: [] };
    return recordStep(ticket, timer, contract, { at });
  });
}

/** Closes a resolved ticket whose customer stayed silent past the contract's period (SPEC 001). */
function closeIfSilent(deps: DeskDeps, ticketId: string): Promise<Ticket> {
  return changeTicket(deps, ticketId, ({ ticket, at }) =>
    ticket.status === 'resolved' && isDue(ticket.autoCloseAt, at)
      ? autoClose(ticket, { at: ticket.autoCloseAt! > at ? ticket.autoCloseAt! : at })
      : { ticket, events: [] },
  );
}
