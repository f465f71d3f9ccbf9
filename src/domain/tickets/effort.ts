import { DomainError } from '../domain-error.ts';
import type { Act, Change } from './lifecycle.ts';
import type { Ticket } from './ticket.ts';

/** SPEC (001): past four working hours on a ticket, the customer is contacted to agree how to go on. */
export const EFFORT_THRESHOLD_MINUTES = 4 * 60;

const totalMinutes = (ticket: Ticket) => ticket.effort.reduce((sum, entry) => sum + entry.minutes, 0);

export function logEffort(
  ticket: Ticket,
  entry: { id: string; minutes: number; note?: string; billable: boolean },
  act: Act & { actorId: string },
): Change {
  if (ticket.status === 'closed') {
    throw new DomainError('illegalTransition', {
      ticket: ticket.id,
      action: 'logEffort',
      status: ticket.status,
    });
  }
  if (!Number.isInteger(entry.minutes) || entry.minutes <= 0 || entry.minutes > 24 * 60) {
    throw new DomainError('badEffort', { minutes: entry.minutes });
  }
  if (entry.billable && !ticket.billable?.approvedAt) {
    throw new DomainError('billableNeedsApproval', { ticket: ticket.id });
  }
  const effort = [...ticket.effort, { ...entry, personId: act.actorId, at: act.at }];
  const total = totalMinutes({ ...ticket, effort });
  const crossed = !ticket.effortThresholdNotified && total > EFFORT_THRESHOLD_MINUTES;
  const events: Change['events'] = [
    {
      type: 'effort_logged',
      minutes: entry.minutes,
      totalMinutes: total,
      billable: entry.billable,
      ticketId: ticket.id,
      actorId: act.actorId,
      at: act.at,
    },
  ];
  if (crossed) {
    events.push({
      type: 'effort_threshold_passed',
      totalMinutes: total,
      ticketId: ticket.id,
      actorId: act.actorId,
      at: act.at,
    });
  }
  return {
    ticket: {
      ...ticket,
      effort,
      effortThresholdNotified: ticket.effortThresholdNotified || crossed,
      updatedAt: act.at,
    },
    events,
  };
}

/** SPEC (004 §2.4): work outside the contract is billable and waits for the customer's approval. */
export function flagBillable(
  ticket: Ticket,
  estimate: { estimateMinutes: number; reason: string },
  act: Act & { actorId: string },
): Change {
  if (ticket.status === 'closed') {
    throw new DomainError('illegalTransition', {
      ticket: ticket.id,
      action: 'flagBillable',
      status: ticket.status,
    });
  }
  if (!Number.isInteger(estimate.estimateMinutes) || estimate.estimateMinutes <= 0) {
    throw new DomainError('badEffort', { minutes: estimate.estimateMinutes });
  }
  const billable = { ...estimate, flaggedBy: act.actorId, flaggedAt: act.at };
  return {
    ticket: { ...ticket, billable, updatedAt: act.at },
    events: [
      { type: 'billable_flagged', ...estimate, ticketId: ticket.id, actorId: act.actorId, at: act.at },
    ],
  };
}

export function approveBillable(ticket: Ticket, act: Act & { actorId: string }): Change {
  if (!ticket.billable) throw new DomainError('noBillableEstimate', { ticket: ticket.id });
  if (ticket.billable.approvedAt) return { ticket, events: [] };
  const billable = { ...ticket.billable, approvedBy: act.actorId, approvedAt: act.at };
  return {
    ticket: { ...ticket, billable, updatedAt: act.at },
    events: [
      {
        type: 'billable_approved',
        estimateMinutes: billable.estimateMinutes,
        ticketId: ticket.id,
        actorId: act.actorId,
        at: act.at,
      },
    ],
  };
}
