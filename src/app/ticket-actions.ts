import { DomainError } from '../domain/domain-error.ts';
import { isDeskSide, type Person } from '../domain/desk/people.ts';
import { approveBillable, flagBillable, logEffort } from '../domain/tickets/effort.ts';
import { acknowledgeEscalation } from '../domain/tickets/escalation.ts';
import * as lifecycle from '../domain/tickets/lifecycle.ts';
import type { Change } from '../domain/tickets/lifecycle.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { commentIdFor } from './comment-ids.ts';
import type { DeskDeps } from './desk-deps.ts';
import { requireCanSee, requireContactOf, requireDeskSide } from './policy.ts';
import { changeTicket, loadActor, loadPerson, type ChangeContext } from './ticket-changes.ts';
import { visibleTo } from './ticket-queries.ts';

type Decide = (context: ChangeContext, actor: Person & { id: string }) => Change;

/**
 * What the ticket must still be when the change is decided, or it throws: a chat button's step
 * (see perform-action.ts). Checked on the ticket being changed, so a retry checks it again.
 */
export type Precondition = (ticket: Ticket) => void;

/** Refusals that say who may act: given before a precondition's, which may describe the ticket. */
const WHO_MAY_ACT = new Set(['agentsOnly', 'customerOnly', 'notFound', 'notAContact']);

/**
 * Runs one person's action on a ticket, after checking they may see it at all, and gives back the
 * ticket as that person may see it (a customer's reply never carries the desk's internal notes).
 */
async function act(
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  precondition: Precondition | undefined,
  decide: Decide,
): Promise<Ticket> {
  const actor = await loadActor(deps, actorId);
  const saved = await changeTicket(deps, ticketId, (context) => {
    requireCanSee(actor, context.ticket);
    if (!precondition) return decide(context, actor);
    // Decided first (deciding is pure), so that someone who may not act hears that, and not what
    // became of the ticket; then the precondition, before the domain's own refusal of a stale move.
    let decided: { change: Change } | { refusal: unknown };
    try {
      decided = { change: decide(context, actor) };
    } catch (refusal) {
      if (refusal instanceof DomainError && WHO_MAY_ACT.has(refusal.code)) throw refusal;
      decided = { refusal };
    }
    precondition(context.ticket);
    if ('refusal' in decided) throw decided.refusal;
    return decided.change;
  });
  return visibleTo(actor, saved);
}

/** Two changes in a row, as one. */
function then(first: Change, next: (ticket: Ticket) => Change): Change {
  const second = next(first.ticket);
  return { ticket: second.ticket, events: [...first.events, ...second.events] };
}

const by = (actor: Person, at: Date) => ({ actorId: actor.id, at });

/** Claims an unclaimed ticket; of two agents claiming at once, the second learns who was first. */
export async function claim(
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  precondition?: Precondition,
): Promise<Ticket> {
  try {
    return await act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
      requireDeskSide(actor, 'claim');
      return lifecycle.claim(ticket, by(actor, at));
    });
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'alreadyClaimed') throw error;
    const holder = await deps.people.get(String(error.params.assigneeId));
    throw new DomainError('alreadyClaimed', {
      ...error.params,
      assignee: holder?.name ?? String(error.params.assigneeId),
    });
  }
}

export async function assign(
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  assigneeId: string,
  precondition?: Precondition,
) {
  const assignee = await loadPerson(deps, assigneeId);
  if (!isDeskSide(assignee)) throw new DomainError('agentsOnly', { action: 'assignee' });
  return act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireDeskSide(actor, 'assign');
    return lifecycle.assign(ticket, assignee.id, by(actor, at));
  });
}

export const startWork = (deps: DeskDeps, actorId: string, ticketId: string, precondition?: Precondition) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireDeskSide(actor, 'startWork');
    return lifecycle.startWork(ticket, by(actor, at));
  });

export const waitOnCustomer = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireDeskSide(actor, 'waitOnCustomer');
    return lifecycle.waitOnCustomer(ticket, by(actor, at));
  });

export const resume = (deps: DeskDeps, actorId: string, ticketId: string, precondition?: Precondition) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, contract, at }, actor) => {
    requireDeskSide(actor, 'resume');
    return lifecycle.resume(ticket, contract, by(actor, at));
  });

export const resolve = (deps: DeskDeps, actorId: string, ticketId: string, precondition?: Precondition) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, contract, at }, actor) => {
    requireDeskSide(actor, 'resolve');
    return lifecycle.resolve(ticket, contract, by(actor, at));
  });

export const setPriority = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  priority: string,
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, contract, at }, actor) => {
    requireDeskSide(actor, 'setPriority');
    return lifecycle.setPriority(ticket, priority, contract, by(actor, at));
  });

/**
 * A comment; a customer's reply to a ticket waiting on them puts it back in the desk's hands. With
 * an `idempotencyKey` (a chat event's), the comment is written once: a repeat changes nothing.
 */
export const comment = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  note: {
    body: string;
    visibility: 'public' | 'internal';
    idempotencyKey?: string;
    /** Written by the desk in the customer's own thread: the first such answer stops the response clock. */
    countsAsResponse?: boolean;
  },
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, contract, at }, actor) => {
    if (note.visibility === 'internal') requireDeskSide(actor, 'internalComment');
    const { idempotencyKey, countsAsResponse, ...text } = note;
    const id = idempotencyKey === undefined ? deps.ids.newId() : commentIdFor(idempotencyKey);
    if (ticket.comments.some((written) => written.id === id)) return { ticket, events: [] };
    const firstResponse = countsAsResponse === true && isDeskSide(actor);
    const commented = lifecycle.comment(ticket, { ...text, id }, by(actor, at), { firstResponse });
    const customerReplied = !isDeskSide(actor) && ticket.status === 'waiting_on_customer';
    return customerReplied ? then(commented, (t) => lifecycle.resume(t, contract, by(actor, at))) : commented;
  });

export const accept = (deps: DeskDeps, actorId: string, ticketId: string, precondition?: Precondition) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireContactOf(actor, ticket, 'accept');
    return lifecycle.accept(ticket, by(actor, at));
  });

/** The customer rejects the solution (or the desk takes it back): the ticket is worked on again. */
export const reopen = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  reason?: string,
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) =>
    lifecycle.reopen(ticket, by(actor, at), reason),
  );

export const recordEffort = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  entry: { minutes: number; note?: string; billable?: boolean },
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireDeskSide(actor, 'logEffort');
    return logEffort(
      ticket,
      { ...entry, billable: entry.billable ?? false, id: deps.ids.newId() },
      by(actor, at),
    );
  });

export const markBillable = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  estimate: { estimateMinutes: number; reason: string },
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireDeskSide(actor, 'flagBillable');
    return flagBillable(ticket, estimate, by(actor, at));
  });

export const approveEstimate = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  precondition?: Precondition,
) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireContactOf(actor, ticket, 'approveEstimate');
    return approveBillable(ticket, by(actor, at));
  });

export const acknowledge = (deps: DeskDeps, actorId: string, ticketId: string, precondition?: Precondition) =>
  act(deps, actorId, ticketId, precondition, ({ ticket, at }, actor) => {
    requireDeskSide(actor, 'acknowledge');
    return acknowledgeEscalation(ticket, by(actor, at));
  });

/**
 * Links an incident to the problem that explains it (SPEC 002, 003). One write, on the incident;
 * the problem's list of incidents follows when the change is carried out (see relay.ts).
 */
export async function linkToProblem(deps: DeskDeps, actorId: string, incidentId: string, problemId: string) {
  const actor = await loadPerson(deps, actorId);
  requireDeskSide(actor, 'link');
  const problem = await deps.tickets.get(problemId);
  if (!problem) throw new DomainError('notFound', { ticket: problemId });
  const incident = await changeTicket(deps, incidentId, ({ ticket, at }) =>
    lifecycle.linkToProblem(ticket, problem, by(actor, at)),
  );
  return { incident, problem: (await deps.tickets.get(problemId)) ?? problem };
}
