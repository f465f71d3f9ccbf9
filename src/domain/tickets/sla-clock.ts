import type { Contract } from '../sla/contract.ts';
import type { SlaClockKind } from './events.ts';
import type { EscalationLevel, SlaState, Ticket } from './ticket.ts';

const MINUTE = 60_000;

/** One scheduled moment of a ticket's SLA: a reminder before the deadline or an escalation level. */
export interface SlaTimer {
  /** Stable name, also the exactly-once key: "response:reminder", "resolution:level2". */
  step: string;
  clock: SlaClockKind;
  level: EscalationLevel;
  at: Date;
  dueAt: Date;
}

export function stepName(clock: SlaClockKind, level: EscalationLevel): string {
  return `${clock}:${level === 0 ? 'reminder' : `level${level}`}`;
}

/** Business time the resolution clock stood still while waiting on the customer (closed spans). */
function pausedMs(ticket: Pick<Ticket, 'sla'>, contract: Contract): number {
  return ticket.sla.paused.reduce(
    (sum, span) => (span.to ? sum + contract.calendar.businessTimeBetween(span.from, span.to) : sum),
    0,
  );
}

function targetMs(contract: Contract, priority: string, clock: SlaClockKind): number | undefined {
  const target = contract.priority(priority);
  const minutes = clock === 'response' ? target.responseMinutes : target.resolutionMinutes;
  return minutes === undefined ? undefined : minutes * MINUTE;
}

/** The deadlines of a ticket for its priority, counting from registration, less paused time. */
export function deadlines(
  ticket: Pick<Ticket, 'createdAt' | 'priority' | 'sla'>,
  contract: Contract,
): Pick<SlaState, 'responseDue' | 'resolutionDue'> {
  const calendar = contract.calendar;
  const response = targetMs(contract, ticket.priority, 'response')!;
  const resolution = targetMs(contract, ticket.priority, 'resolution');
  return {
    responseDue: calendar.addBusinessTime(ticket.createdAt, response),
    resolutionDue:
      resolution === undefined
        ? undefined
        : calendar.addBusinessTime(ticket.createdAt, resolution + pausedMs(ticket, contract)),
  };
}

export function initialSla(createdAt: Date, priority: string, contract: Contract): SlaState {
  const fresh: SlaState = {
    responseDue: createdAt,
    paused: [],
    responseBreached: false,
    resolutionBreached: false,
    notifiedSteps: [],
    escalationLevel: 0,
    acknowledgedLevel: 0,
  };
  return { ...fresh, ...deadlines({ createdAt, priority, sla: fresh }, contract) };
}

function clockRuns(ticket: Ticket, clock: SlaClockKind): boolean {
  if (ticket.status === 'resolved' || ticket.status === 'closed') return false;
  if (clock === 'response') return ticket.sla.firstResponseAt === undefined;
  return ticket.status !== 'waiting_on_customer';
}

/**
 * The timers a ticket should have now: for each running clock, the reminder and the three levels
 * at the contract's shares of the target, less the steps already announced (unless asked for). Any
 * change to the ticket replaces its timers with this plan, so rescheduling and cancelling are one
 * operation.
 */
export function plannedTimers(
  ticket: Ticket,
  contract: Contract,
  { includeAnnounced = false }: { includeAnnounced?: boolean } = {},
): SlaTimer[] {
  const { reminderAt, levelsAt } = contract.terms.escalation;
  const shares: Array<[EscalationLevel, number]> = [
    [0, reminderAt],
    [1, levelsAt[0]],
    [2, levelsAt[1]],
    [3, levelsAt[2]],
  ];
  const timers: SlaTimer[] = [];
  for (const clock of ['response', 'resolution'] as const) {
    const target = targetMs(contract, ticket.priority, clock);
    if (target === undefined || !clockRuns(ticket, clock)) continue;
    const offset = clock === 'resolution' ? pausedMs(ticket, contract) : 0;
    const dueAt = contract.calendar.addBusinessTime(ticket.createdAt, target + offset);
    for (const [level, share] of shares) {
      const step = stepName(clock, level);
      if (!includeAnnounced && ticket.sla.notifiedSteps.includes(step)) continue;
      const at = contract.calendar.addBusinessTime(ticket.createdAt, Math.round(share * target) + offset);
      timers.push({ step, clock, level, at, dueAt });
    }
  }
  return timers;
}

/** Where a ticket stands against its SLA at one instant, in the contract's business time. */
export interface SlaStanding {
  /** Open time left until the response is due (negative: late by), while that clock runs. */
  responseLeftMs?: number;
  /** The same for the resolution, while it runs (not while waiting on the customer). */
  resolutionLeftMs?: number;
  /** When the desk is closed at that instant: when it opens next. */
  opensAt?: Date;
}

export function slaStanding(ticket: Ticket, contract: Contract, at: Date): SlaStanding {
  const calendar = contract.calendar;
  const left = (due: Date | undefined, clock: SlaClockKind) =>
    due && clockRuns(ticket, clock) ? calendar.businessTimeBetween(at, due) : undefined;
  const responseLeftMs = left(ticket.sla.responseDue, 'response');
  const resolutionLeftMs = left(ticket.sla.resolutionDue, 'resolution');
  return {
    ...(responseLeftMs === undefined ? {} : { responseLeftMs }),
    ...(resolutionLeftMs === undefined ? {} : { resolutionLeftMs }),
    ...(calendar.isOpen(at) ? {} : { opensAt: calendar.nextOpening(at) }),
  };
}
