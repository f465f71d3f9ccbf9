import { DomainError } from '../../domain/domain-error.ts';
import type { Person } from '../../domain/desk/people.ts';
import { OPEN_STATUSES, type Ticket, type TicketStatus } from '../../domain/tickets/ticket.ts';
import type { DeskDeps } from '../desk-deps.ts';
import { requireCanSee, requireDeskSide } from '../policy.ts';
import { MAX_LIST_LIMIT, type TicketFilter } from '../ports.ts';

/** How many tickets each section of the desk's overview shows, at most. */
export const SECTION_LIMIT = 10;
/** How many open tickets of their organisation a contact is shown, at most. */
export const ORGANISATION_LIMIT = 25;
/**
 * How many open tickets "closest to breach" looks at, at most, the latest registered first: the
 * store lists newest first and keeps no index by deadline, so the read is bounded rather than whole.
 */
export const BREACH_SCAN = 1_000;
/** Pages one section reads, at most (a page can come back short when the store's budget runs out). */
const MAX_PAGES = 10;
/** The time zone of a ticket whose organisation is gone (it never should be). */
const FALLBACK_TIME_ZONE = 'Europe/Stockholm';

export type SlaClockName = 'response' | 'resolution';
export type DeskSection = 'mine' | 'unclaimed' | 'breach';
export const DESK_SECTIONS: readonly DeskSection[] = ['mine', 'unclaimed', 'breach'];

/** One open ticket as an overview shows it: what it is, where it stands, and its SLA clocks. */
export interface OverviewTicket {
  id: string;
  title: string;
  status: TicketStatus;
  priority: string;
  organisationId: string;
  assigneeId?: string;
  /** The time zone of the ticket's organisation, for showing its instants. */
  timeZone: string;
  responseDue: Date;
  resolutionDue?: Date;
  /** Work started late, or has not started and the deadline has passed. */
  responseBreached: boolean;
  /** Resolved late cannot be (it is open): the deadline passed while the clock ran. */
  resolutionBreached: boolean;
  /** The earliest deadline whose clock is still running; none once work started and nothing else is due. */
  nextDue?: { clock: SlaClockName; at: Date };
}

export interface DeskOverview {
  /** Open tickets assigned to the person, the latest registered first. */
  mine: OverviewTicket[];
  /** Open tickets nobody has claimed, the latest registered first. */
  unclaimed: OverviewTicket[];
  /** Open tickets by their earliest running deadline, the earliest (or most overdue) first. */
  closestToBreach: OverviewTicket[];
  /** False when there were more open tickets than "closest to breach" looks at (BREACH_SCAN). */
  breachComplete: boolean;
}

export interface OrganisationOverview {
  organisation: { id: string; name: string; timeZone: string };
  /** The organisation's open tickets, the latest registered first. */
  tickets: OverviewTicket[];
  /** More open tickets than are shown. */
  more: boolean;
}

/** The deadlines of a ticket whose clocks still run: the response until work starts, the resolution unless paused. */
function runningDeadlines(ticket: Ticket): { clock: SlaClockName; at: Date }[] {
  const running: { clock: SlaClockName; at: Date }[] = [];
  if (!ticket.sla.firstResponseAt) running.push({ clock: 'response', at: ticket.sla.responseDue });
  if (ticket.sla.resolutionDue && ticket.status !== 'waiting_on_customer')
    running.push({ clock: 'resolution', at: ticket.sla.resolutionDue });
  return running;
}

/** The ticket as an overview shows it at `now`. */
export function overviewTicket(ticket: Ticket, timeZone: string, now: Date): OverviewTicket {
  const running = runningDeadlines(ticket);
  const late = (clock: SlaClockName) => running.some((due) => due.clock === clock && now > due.at);
  const nextDue = running.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return {
    id: ticket.id,
    title: ticket.title,
    status: ticket.status,
    priority: ticket.priority,
    organisationId: ticket.organisationId,
    ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
    timeZone,
    responseDue: ticket.sla.responseDue,
    ...(ticket.sla.resolutionDue ? { resolutionDue: ticket.sla.resolutionDue } : {}),
    responseBreached: ticket.sla.responseBreached || late('response'),
    resolutionBreached: ticket.sla.resolutionBreached || late('resolution'),
    ...(nextDue ? { nextDue } : {}),
  };
}

/**
 * Up to `want` tickets of the list `filter` gives that `keep` keeps, reading at most `maxPages`
 * pages of `pageSize`; `complete` is false when the list went on beyond what was read.
 */
async function collect(
  deps: DeskDeps,
  filter: TicketFilter,
  want: number,
  keep: (ticket: Ticket) => boolean = () => true,
  pageSize = want,
  maxPages = MAX_PAGES,
): Promise<{ tickets: Ticket[]; complete: boolean }> {
  const tickets: Ticket[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const limit = Math.min(pageSize, want - tickets.length, MAX_LIST_LIMIT);
    const found = await deps.tickets.list({ ...filter, limit, ...(cursor ? { cursor } : {}) });
    tickets.push(...found.tickets.filter(keep));
    cursor = found.next;
    if (!cursor) return { tickets, complete: true };
    if (tickets.length >= want) return { tickets: tickets.slice(0, want), complete: false };
  }
  return { tickets, complete: false };
}

/** The time zone of each organisation the tickets belong to, read once each. */
async function timeZones(deps: DeskDeps, tickets: readonly Ticket[]): Promise<Map<string, string>> {
  const ids = [...new Set(tickets.map((ticket) => ticket.organisationId))];
  const organisations = await Promise.all(ids.map((id) => deps.organisations.get(id)));
  return new Map(ids.map((id, i) => [id, organisations[i]?.timeZone ?? FALLBACK_TIME_ZONE]));
}

const byNextDue = (a: OverviewTicket, b: OverviewTicket): number =>
  a.nextDue!.at.getTime() - b.nextDue!.at.getTime() || a.id.localeCompare(b.id, 'en', { numeric: true });

/**
 * What a desk person (agent or admin) has before them: their own open tickets, the ones nobody
 * has claimed, and the ones closest to breach. Refused (`agentsOnly`) to anyone else, whatever a
 * channel shows; `only` reads one section and leaves the others empty.
 */
export async function deskOverview(
  deps: DeskDeps,
  person: Person,
  now: Date,
  only?: DeskSection,
): Promise<DeskOverview> {
  requireDeskSide(person, 'deskOverview');
  const wanted = (section: DeskSection) => only === undefined || only === section;
  const none = { tickets: [] as Ticket[], complete: true };
  const [mine, unclaimed, open] = await Promise.all([
    wanted('mine') ? collect(deps, { statuses: OPEN_STATUSES, assigneeId: person.id }, SECTION_LIMIT) : none,
    wanted('unclaimed')
      ? collect(deps, { statuses: ['new'] }, SECTION_LIMIT, (ticket) => !ticket.assigneeId)
      : none,
    wanted('breach')
      ? collect(deps, { statuses: OPEN_STATUSES }, BREACH_SCAN, undefined, MAX_LIST_LIMIT)
      : none,
  ]);
  const zones = await timeZones(deps, [...mine.tickets, ...unclaimed.tickets, ...open.tickets]);
  const shown = (tickets: Ticket[]) =>
    tickets.map((ticket) => overviewTicket(ticket, zones.get(ticket.organisationId)!, now));
  const closestToBreach = shown(open.tickets)
    .filter((ticket) => ticket.nextDue !== undefined)
    .sort(byNextDue)
    .slice(0, SECTION_LIMIT);
  return {
    mine: shown(mine.tickets),
    unclaimed: shown(unclaimed.tickets),
    closestToBreach,
    breachComplete: open.complete,
  };
}

/**
 * A customer contact's view of the desk: their own organisation's open tickets, never another's
 * (SPEC 004 §2.2). Refused (`customerOnly`) to someone who is no organisation's contact.
 */
export async function organisationOverview(
  deps: DeskDeps,
  person: Person,
  now: Date = deps.clock.now(),
): Promise<OrganisationOverview> {
  const organisationId = person.role === 'contact' ? person.organisationId : undefined;
  if (organisationId === undefined) throw new DomainError('customerOnly', { action: 'organisationOverview' });
  const organisation = await deps.organisations.get(organisationId);
  if (!organisation) throw new DomainError('notFound', { organisation: organisationId });
  // One more than is shown, to know whether there are more.
  const { tickets, complete } = await collect(
    deps,
    { organisationId, statuses: OPEN_STATUSES },
    ORGANISATION_LIMIT + 1,
  );
  // The filter keeps to the organisation; the policy is checked again on every ticket all the same.
  const visible = tickets.filter((ticket) => {
    try {
      requireCanSee(person, ticket);
      return true;
    } catch {
      return false;
    }
  });
  return {
    organisation: { id: organisation.id, name: organisation.name, timeZone: organisation.timeZone },
    tickets: visible
      .slice(0, ORGANISATION_LIMIT)
      .map((ticket) => overviewTicket(ticket, organisation.timeZone, now)),
    more: visible.length > ORGANISATION_LIMIT || !complete,
  };
}
