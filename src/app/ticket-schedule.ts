import { DomainError } from '../domain/domain-error.ts';
import { UnknownPriorityError, type Contract } from '../domain/sla/contract.ts';
import type { SlaClockKind } from '../domain/tickets/events.ts';
import type { SlaTimer } from '../domain/tickets/sla-clock.ts';
import type { EscalationLevel, Ticket } from '../domain/tickets/ticket.ts';
import { ticketTimers, type TicketTimer } from '../domain/tickets/timers.ts';
import type { DeskDeps } from './desk-deps.ts';

/** One moment the desk's clock has planned for a ticket, as an operator reads it. */
export interface ScheduledStep {
  /** "response:reminder", "resolution:level2", "autoClose". */
  step: string;
  at: Date;
  /** For a reminder (level 0) or an escalation level: the clock it watches and its deadline. */
  clock?: SlaClockKind;
  level?: EscalationLevel;
  dueAt?: Date;
}

const isSlaTimer = (timer: TicketTimer): timer is SlaTimer => 'clock' in timer;

function stepOf(timer: TicketTimer): ScheduledStep {
  if (!isSlaTimer(timer)) return { step: timer.step, at: timer.at };
  const { step, at, clock, level, dueAt } = timer;
  return { step, at, clock, level, dueAt };
}

/** A ticket with what its SLA clock has scheduled. */
export type ScheduledTicket = Ticket & { schedule?: ScheduledStep[] };

/**
 * The tickets, each with `schedule`: what its clock has planned, soonest first (the reminders and
 * escalation levels still to come on its running clocks, and a resolved ticket's auto-close). It is
 * the plan the timer jobs are made from (`ticketTimers`), worked out again, so reading it costs no
 * job lookups, only one read per organisation. A ticket whose organisation, contract or priority
 * cannot be found comes without one.
 */
export async function withSchedule(
  deps: Pick<DeskDeps, 'organisations' | 'contracts'>,
  tickets: readonly Ticket[],
): Promise<ScheduledTicket[]> {
  const organisationIds = [...new Set(tickets.map((ticket) => ticket.organisationId))];
  const contracts = new Map<string, Contract>();
  await Promise.all(
    organisationIds.map(async (id) => {
      const organisation = await deps.organisations.get(id);
      if (!organisation) return;
      try {
        contracts.set(id, deps.contracts.contract(organisation.contractId));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }),
  );
  return tickets.map((ticket) => {
    const contract = contracts.get(ticket.organisationId);
    if (!contract) return ticket;
    try {
      const schedule = ticketTimers(ticket, contract).map(stepOf);
      return { ...ticket, schedule: schedule.sort((a, b) => a.at.getTime() - b.at.getTime()) };
    } catch (error) {
      // A priority the contract no longer has: the ticket is still worth reading.
      if (!(error instanceof UnknownPriorityError)) throw error;
      return ticket;
    }
  });
}
