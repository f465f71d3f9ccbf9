import { DomainError } from '../domain-error.ts';
import type { Contract } from '../sla/contract.ts';
import { endOfOpenDaysAfter } from '../sla/open-days.ts';
import type { TicketEvent, TicketEventBody } from './events.ts';
import { deadlines, initialSla } from './sla-clock.ts';
import type { Category, Ticket, TicketOrigin, TicketStatus } from './ticket.ts';
import { isOpen } from './ticket.ts';
import { requireText } from './text-rules.ts';

/** A ticket after a change, and what happened, in order. */
export interface Change {
  ticket: Ticket;
  events: TicketEvent[];
}

/** Who acted and when; `actorId` is absent for the desk's own clock. */
export interface Act {
  actorId?: string;
  at: Date;
}

function changed(before: Ticket, after: Partial<Ticket>, act: Act, ...bodies: TicketEventBody[]): Change {
  const ticket = { ...before, ...after, updatedAt: act.at };
  const events = bodies.map((body) => ({ ...body, ticketId: before.id, actorId: act.actorId, at: act.at }));
  return { ticket, events };
}

export function requirePriority(contract: Contract, priority: string): void {
  const known = contract.terms.priorities.map((p) => p.key);
  if (!known.includes(priority))
    throw new DomainError('unknownPriority', { priority, known: known.join(', ') });
}

function requireStatus(ticket: Ticket, action: string, allowed: readonly TicketStatus[]): void {
  if (!allowed.includes(ticket.status)) {
    throw new DomainError('illegalTransition', { ticket: ticket.id, action, status: ticket.status });
  }
}

export interface NewTicket {
  id: string;
  organisationId: string;
  requesterId?: string;
  category: Category;
  title: string;
  description: string;
  priority: string;
  requestedPriority?: string;
  origin?: TicketOrigin;
  alertKey?: string;
}

export function openTicket(input: NewTicket, contract: Contract, act: Act): Change {
  requirePriority(contract, input.priority);
  const ticket: Ticket = {
    ...input,
    title: requireText('title', input.title),
    description: requireText('description', input.description),
    status: 'new',
    comments: [],
    effort: [],
    effortThresholdNotified: false,
    incidentIds: [],
    ...(input.alertKey ? { alertCount: 1 } : {}),
    sla: initialSla(act.at, input.priority, contract),
    createdAt: act.at,
    updatedAt: act.at,
    version: 0,
  };
  return { ticket, events: [{ type: 'opened', ticketId: ticket.id, actorId: act.actorId, at: act.at }] };
}

/** An agent takes an unclaimed ticket; a second claimer learns who was first. */
export function claim(ticket: Ticket, act: Act & { actorId: string }): Change {
  requireStatus(ticket, 'claim', ['new', 'claimed', 'in_progress', 'waiting_on_customer']);
  if (ticket.assigneeId && ticket.assigneeId !== act.actorId) {
    throw new DomainError('alreadyClaimed', { ticket: ticket.id, assigneeId: ticket.assigneeId });
  }
  if (ticket.assigneeId === act.actorId) return { ticket, events: [] };
  const status = ticket.status === 'new' ? 'claimed' : ticket.status;
  return changed(ticket, { assigneeId: act.actorId, status }, act, {
    type: 'claimed',
    assigneeId: act.actorId,
  });
}

export function assign(ticket: Ticket, assigneeId: string, act: Act): Change {
  requireStatus(ticket, 'assign', ['new', 'claimed', 'in_progress', 'waiting_on_customer']);
  if (ticket.assigneeId === assigneeId) return { ticket, events: [] };
  const status = ticket.status === 'new' ? 'claimed' : ticket.status;
  return changed(ticket, { assigneeId, status }, act, {
    type: 'assigned',
    assigneeId,
    previousAssigneeId: ticket.assigneeId,
  });
}

/** Work starting is what the response target measures (SPEC: "svarstid … tills vi påbörjar"). */
function withFirstResponse(ticket: Ticket, at: Date): Pick<Ticket, 'sla'> {
  if (ticket.sla.firstResponseAt) return { sla: ticket.sla };
  return {
    sla: {
      ...ticket.sla,
      firstResponseAt: at,
      responseBreached: ticket.sla.responseBreached || at > ticket.sla.responseDue,
    },
  };
}

export function startWork(ticket: Ticket, act: Act & { actorId: string }): Change {
  requireStatus(ticket, 'startWork', ['new', 'claimed']);
  return changed(
    ticket,
    {
      status: 'in_progress',
      assigneeId: ticket.assigneeId ?? act.actorId,
      ...withFirstResponse(ticket, act.at),
    },
    act,
    { type: 'work_started' },
  );
}

export function waitOnCustomer(ticket: Ticket, act: Act & { actorId: string }): Change {
  requireStatus(ticket, 'waitOnCustomer', ['claimed', 'in_progress']);
  const { sla } = withFirstResponse(ticket, act.at);
  return changed(
    ticket,
    {
      status: 'waiting_on_customer',
      assigneeId: ticket.assigneeId ?? act.actorId,
      sla: { ...sla, paused: [...sla.paused, { from: act.at }] },
    },
    act,
    { type: 'waiting_on_customer' },
  );
}

function closePause(ticket: Ticket, at: Date): Ticket['sla'] {
  const paused = ticket.sla.paused.map((span) => (span.to ? span : { ...span, to: at }));
  return { ...ticket.sla, paused };
}

/** Back from waiting on the customer: the resolution clock runs again and its deadline moves on. */
export function resume(ticket: Ticket, contract: Contract, act: Act): Change {
  requireStatus(ticket, 'resume', ['waiting_on_customer']);
  const sla = closePause(ticket, act.at);
  const moved = { ...sla, ...deadlines({ ...ticket, sla }, contract) };
  return changed(ticket, { status: 'in_progress', sla: moved }, act, { type: 'resumed' });
}

export function resolve(ticket: Ticket, contract: Contract, act: Act & { actorId: string }): Change {
  requireStatus(ticket, 'resolve', ['new', 'claimed', 'in_progress', 'waiting_on_customer']);
  const paused = { ...ticket, sla: closePause(ticket, act.at) };
  const { sla } = withFirstResponse(paused, act.at);
  const due = deadlines({ ...ticket, sla }, contract).resolutionDue;
  const resolutionBreached = sla.resolutionBreached || (due !== undefined && act.at > due);
  const silentDays = contract.terms.autoCloseAfterBusinessDays;
  return changed(
    ticket,
    {
      status: 'resolved',
      assigneeId: ticket.assigneeId ?? act.actorId,
      sla: { ...sla, resolutionDue: due, resolutionBreached },
      resolvedAt: act.at,
      autoCloseAt: endOfOpenDaysAfter(contract.calendar, act.at, silentDays),
    },
    act,
    { type: 'resolved', resolutionBreached },
  );
}

/** SPEC (001 "Problemlösning"): closed only when the customer accepts the solution. */
export function accept(ticket: Ticket, act: Act & { actorId: string }): Change {
  requireStatus(ticket, 'accept', ['resolved']);
  return changed(
    ticket,
    { status: 'closed', closedAt: act.at, autoCloseAt: undefined },
    act,
    { type: 'accepted' },
    { type: 'closed', automatically: false },
  );
}

export function reopen(ticket: Ticket, act: Act & { actorId: string }, reason?: string): Change {
  requireStatus(ticket, 'reopen', ['resolved']);
  return changed(ticket, { status: 'in_progress', resolvedAt: undefined, autoCloseAt: undefined }, act, {
    type: 'reopened',
    reason,
  });
}

/** The customer stayed silent for the contract's number of business days after resolution. */
export function autoClose(ticket: Ticket, act: Act): Change {
  requireStatus(ticket, 'autoClose', ['resolved']);
  if (!ticket.autoCloseAt || ticket.autoCloseAt > act.at) {
    throw new DomainError('illegalTransition', {
      ticket: ticket.id,
      action: 'autoClose',
      status: ticket.status,
    });
  }
  return changed(ticket, { status: 'closed', closedAt: act.at, autoCloseAt: undefined }, act, {
    type: 'closed',
    automatically: true,
  });
}

export function setPriority(ticket: Ticket, priority: string, contract: Contract, act: Act): Change {
  if (!isOpen(ticket)) requireStatus(ticket, 'setPriority', ['new']);
  requirePriority(contract, priority);
  if (priority === ticket.priority) return { ticket, events: [] };
  const moved = { ...ticket, priority };
  return changed(ticket, { priority, sla: { ...ticket.sla, ...deadlines(moved, contract) } }, act, {
    type: 'priority_changed',
    from: ticket.priority,
    to: priority,
  });
}

/**
 * A comment. `firstResponse`: the desk answering the customer in the customer's own thread (a
 * customer channel), which stops the response clock the way starting work does, when nothing
 * stopped it before; the event says so, for the log.
 */
export function comment(
  ticket: Ticket,
  note: { id: string; body: string; visibility: 'public' | 'internal' },
  act: Act & { actorId: string },
  options: { firstResponse?: boolean } = {},
): Change {
  requireStatus(ticket, 'comment', ['new', 'claimed', 'in_progress', 'waiting_on_customer', 'resolved']);
  const entry = { ...note, body: requireText('comment', note.body), authorId: act.actorId, at: act.at };
  const responds =
    options.firstResponse === true && note.visibility === 'public' && !ticket.sla.firstResponseAt;
  return changed(
    ticket,
    { comments: [...ticket.comments, entry], ...(responds ? withFirstResponse(ticket, act.at) : {}) },
    act,
    {
      type: 'commented',
      commentId: note.id,
      visibility: note.visibility,
      ...(responds ? { firstResponse: true as const } : {}),
    },
  );
}

/**
 * Links an incident to the problem that explains it (SPEC 002, 003). The link is the incident's:
 * the problem's list of incidents follows from it (`recordIncidentLink`), so there is one place
 * that says it.
 */
export function linkToProblem(incident: Ticket, problem: Ticket, act: Act): Change {
  if (problem.category !== 'problem' || incident.category === 'problem') {
    throw new DomainError('notAProblem', { ticket: problem.id });
  }
  if (incident.organisationId !== problem.organisationId) {
    throw new DomainError('notYourOrganisation', { ticket: problem.id });
  }
  if (incident.problemId === problem.id) return { ticket: incident, events: [] };
  if (incident.problemId) {
    throw new DomainError('alreadyLinked', { ticket: incident.id, problem: incident.problemId });
  }
  return changed(incident, { problemId: problem.id }, act, {
    type: 'linked_to_problem',
    problemId: problem.id,
  });
}

/** The problem's side of a link its incident made: listed once, however often it is told. */
export function recordIncidentLink(problem: Ticket, incidentId: string, act: Act): Change {
  if (problem.incidentIds.includes(incidentId)) return { ticket: problem, events: [] };
  return changed(problem, { incidentIds: [...problem.incidentIds, incidentId] }, act, {
    type: 'incident_linked',
    incidentId,
  });
}

/** Monitoring reported the same alert again while its incident is open: counted, not duplicated. */
export function alertRepeated(ticket: Ticket, act: Act): Change {
  requireStatus(ticket, 'alertRepeated', ['new', 'claimed', 'in_progress', 'waiting_on_customer']);
  const alertCount = (ticket.alertCount ?? 1) + 1;
  return changed(ticket, { alertCount }, act, { type: 'alert_repeated', count: alertCount });
}
