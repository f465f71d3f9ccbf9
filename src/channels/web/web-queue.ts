import { overviewTicket, type OverviewTicket } from '../../app/chat/desk-overview.ts';
import { currentCeo, listAgents } from '../../app/directory.ts';
import type { DeskDeps } from '../../app/desk-deps.ts';
import { requireDeskSide } from '../../app/policy.ts';
import { MAX_LIST_LIMIT } from '../../app/ports.ts';
import { listTickets } from '../../app/ticket-queries.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';
import type { Person } from '../../domain/desk/people.ts';
import type { Contract } from '../../domain/sla/contract.ts';
import { slaStanding } from '../../domain/tickets/sla-clock.ts';
import { OPEN_STATUSES, type EscalationLevel, type Ticket } from '../../domain/tickets/ticket.ts';

/**
 * How many open tickets the queue reads, at most: the store's open-ticket list is read page by
 * page (newest first), so the read is bounded rather than whole, as the desk overview's is.
 */
export const QUEUE_SCAN = 1_000;
/** How many rows the queue shows, at most: the most at risk of what was read. */
export const QUEUE_SHOWN = 100;
/** How many escalations waiting for acknowledgement the queue shows (each reads its history). */
export const ESCALATIONS_SHOWN = 50;

export type SlaRisk = 'late' | 'risk' | 'ok' | 'none';

export interface QueueRow {
  ticket: Ticket;
  overview: OverviewTicket;
  organisation?: Organisation;
  assignee?: Person;
  /** Business time left on the clock that runs out first (negative: late by); none runs: undefined. */
  leftMs?: number;
  risk: SlaRisk;
}

export interface EscalationRow {
  ticket: Ticket;
  organisation?: Organisation;
  level: EscalationLevel;
  /** Who the level went to: the Incident Manager, the account owner, the CEO. */
  to?: Person;
  /** When the level was announced (the escalation event), if the history says. */
  since?: Date;
}

export interface Queue {
  rows: QueueRow[];
  escalations: EscalationRow[];
  /** Open tickets read. */
  read: number;
  /** False when there were more open tickets than the queue reads (QUEUE_SCAN). */
  complete: boolean;
  /** False when more rows were read than the queue shows (QUEUE_SHOWN). */
  shownAll: boolean;
  agents: Person[];
  organisations: Map<string, Organisation>;
}

/**
 * The queue's order, by SLA risk: unclaimed tickets first, then within each group the least
 * business time left first (the late ones, most overdue first); tickets with no clock running last.
 */
export function byRisk(a: QueueRow, b: QueueRow): number {
  const unclaimed = (row: QueueRow) => (row.ticket.assigneeId ? 1 : 0);
  const left = (row: QueueRow) => row.leftMs ?? Number.POSITIVE_INFINITY;
  return (
    unclaimed(a) - unclaimed(b) ||
    left(a) - left(b) ||
    a.ticket.id.localeCompare(b.ticket.id, 'en', { numeric: true })
  );
}

/**
 * The organisation's contract, or undefined when the desk no longer runs it (a contract file taken
 * away): one such organisation must not take the whole queue down with it.
 */
export function contractOf(deps: DeskDeps, organisation: Organisation | undefined): Contract | undefined {
  if (!organisation) return undefined;
  try {
    return deps.contracts.contract(organisation.contractId);
  } catch {
    return undefined;
  }
}

/**
 * How close a ticket is to breach: late once a running clock's time is up; at risk once its
 * reminder point passed (the contract's share of the target, when the owner is pinged).
 */
function riskOf(ticket: Ticket, deps: DeskDeps, organisation: Organisation | undefined, now: Date) {
  const contract = contractOf(deps, organisation);
  if (!contract) return { risk: 'none' as const };
  const standing = slaStanding(ticket, contract, now);
  const clocks = [
    ['response', standing.responseLeftMs],
    ['resolution', standing.resolutionLeftMs],
  ] as const;
  const running = clocks.filter(([, ms]) => ms !== undefined) as [string, number][];
  if (running.length === 0) return { risk: 'none' as const };
  const [clock, leftMs] = running.sort((a, b) => a[1] - b[1])[0]!;
  if (leftMs < 0) return { risk: 'late' as const, leftMs };
  const target = contract.terms.priorities.find((priority) => priority.key === ticket.priority);
  const minutes = clock === 'response' ? target?.responseMinutes : target?.resolutionMinutes;
  const reminderLeftMs = (minutes ?? 0) * 60_000 * (1 - contract.terms.escalation.reminderAt);
  return { risk: leftMs <= reminderLeftMs ? ('risk' as const) : ('ok' as const), leftMs };
}

async function openTickets(
  deps: DeskDeps,
  person: Person,
): Promise<{ tickets: Ticket[]; complete: boolean }> {
  const tickets: Ticket[] = [];
  let cursor: string | undefined;
  // A page can come back short while more follow; the number of pages is bounded all the same.
  for (let pages = 0; pages < QUEUE_SCAN / 10; pages++) {
    const limit = Math.min(MAX_LIST_LIMIT, QUEUE_SCAN - tickets.length);
    const page = await listTickets(deps, person.id, {
      statuses: OPEN_STATUSES,
      limit,
      ...(cursor ? { cursor } : {}),
    });
    tickets.push(...page.tickets);
    cursor = page.next;
    if (!cursor) return { tickets, complete: true };
    if (tickets.length >= QUEUE_SCAN) return { tickets, complete: false };
  }
  return { tickets, complete: false };
}

/** Who an escalation level goes to: level 1 the Incident Manager, 2 the account owner, 3 the CEO. */
function ladderPersonId(
  level: EscalationLevel,
  organisation: Organisation | undefined,
  ceoId: string | null,
) {
  if (level === 1) return organisation?.incidentManagerId;
  if (level === 2) return organisation?.accountOwnerId;
  return ceoId ?? undefined;
}

async function escalationsOf(
  deps: DeskDeps,
  tickets: Ticket[],
  organisations: Map<string, Organisation>,
  people: Map<string, Person>,
): Promise<EscalationRow[]> {
  const waiting = tickets
    .filter((ticket) => ticket.sla.escalationLevel > ticket.sla.acknowledgedLevel)
    .sort(
      (a, b) =>
        b.sla.escalationLevel - a.sla.escalationLevel || a.id.localeCompare(b.id, 'en', { numeric: true }),
    )
    .slice(0, ESCALATIONS_SHOWN);
  const { ceoId } = await currentCeo(deps, deps.settings);
  return Promise.all(
    waiting.map(async (ticket) => {
      const level = ticket.sla.escalationLevel;
      const organisation = organisations.get(ticket.organisationId);
      const events = await deps.audit.forTicket(ticket);
      const announced = events.filter((event) => event.type === 'escalated' && event.level === level).at(-1);
      const toId = ladderPersonId(level, organisation, ceoId);
      const to = toId ? (people.get(toId) ?? (await deps.people.get(toId))) : undefined;
      return {
        ticket,
        level,
        ...(organisation ? { organisation } : {}),
        ...(to ? { to } : {}),
        ...(announced ? { since: announced.at } : {}),
      };
    }),
  );
}

/** The agents' queue as `person` (desk side only) sees it at `now`. */
export async function readQueue(deps: DeskDeps, person: Person, now: Date): Promise<Queue> {
  requireDeskSide(person, 'deskOverview');
  const [{ tickets, complete }, organisationList, agents] = await Promise.all([
    openTickets(deps, person),
    deps.organisations.list(),
    listAgents(deps),
  ]);
  const organisations = new Map(organisationList.map((organisation) => [organisation.id, organisation]));
  const people = new Map(agents.map((agent) => [agent.id, agent]));
  const rows = tickets
    .map((ticket): QueueRow => {
      const organisation = organisations.get(ticket.organisationId);
      const assignee = ticket.assigneeId ? people.get(ticket.assigneeId) : undefined;
      const zone = organisation?.timeZone ?? 'Europe/Stockholm';
      return {
        ticket,
        overview: overviewTicket(ticket, zone, now),
        ...(organisation ? { organisation } : {}),
        ...(assignee ? { assignee } : {}),
        ...riskOf(ticket, deps, organisation, now),
      };
    })
    .sort(byRisk);
  return {
    rows: rows.slice(0, QUEUE_SHOWN),
    escalations: await escalationsOf(deps, tickets, organisations, people),
    read: tickets.length,
    complete,
    shownAll: rows.length <= QUEUE_SHOWN,
    agents,
    organisations,
  };
}
