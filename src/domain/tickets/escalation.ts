import { DomainError } from '../domain-error.ts';
import type { Contract } from '../sla/contract.ts';
import type { Act, Change } from './lifecycle.ts';
import type { SlaTimer } from './sla-clock.ts';
import type { Ticket } from './ticket.ts';

/**
 * The ticket after one SLA step was announced: the step is remembered (so it never fires twice),
 * a level raises the escalation and a level-1 step marks the breach.
 */
export function recordStep(ticket: Ticket, timer: SlaTimer, contract: Contract, act: Act): Change {
  const lateByMs = Math.max(0, contract.calendar.businessTimeBetween(timer.dueAt, act.at));
  const breached = timer.level >= 1;
  const sla = {
    ...ticket.sla,
    notifiedSteps: [...ticket.sla.notifiedSteps, timer.step],
    escalationLevel: timer.level > ticket.sla.escalationLevel ? timer.level : ticket.sla.escalationLevel,
    responseBreached: ticket.sla.responseBreached || (breached && timer.clock === 'response'),
    resolutionBreached: ticket.sla.resolutionBreached || (breached && timer.clock === 'resolution'),
  };
  const body =
    timer.level === 0
      ? ({ type: 'reminder', clock: timer.clock, dueAt: timer.dueAt } as const)
      : ({
          type: 'escalated',
          clock: timer.clock,
          level: timer.level,
          dueAt: timer.dueAt,
          lateByMs,
        } as const);
  return {
    ticket: { ...ticket, sla, updatedAt: act.at },
    events: [{ ...body, ticketId: ticket.id, actorId: act.actorId, at: act.at }],
  };
}

/** Someone on the ladder says they have it: the current level is acknowledged. */
export function acknowledgeEscalation(ticket: Ticket, act: Act & { actorId: string }): Change {
  const level = ticket.sla.escalationLevel;
  if (level === 0) throw new DomainError('nothingToAcknowledge', { ticket: ticket.id });
  if (ticket.sla.acknowledgedLevel >= level)
    throw new DomainError('alreadyAcknowledged', { ticket: ticket.id, level });
  return {
    ticket: { ...ticket, sla: { ...ticket.sla, acknowledgedLevel: level }, updatedAt: act.at },
    events: [
      { type: 'escalation_acknowledged', level, ticketId: ticket.id, actorId: act.actorId, at: act.at },
    ],
  };
}
