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
