import type { Ticket } from '../domain/tickets/ticket.ts';
import type { DeskDeps } from './desk-deps.ts';
import { requireStep } from './stale-action.ts';
import * as actions from './ticket-actions.ts';
import type { Precondition } from './ticket-actions.ts';

/** A named action on a ticket, with what it needs: what every channel's buttons and forms ask for. */
export type TicketAction =
  | { name: 'claim' }
  | { name: 'assign'; assigneeId: string }
  | { name: 'start' }
  | { name: 'wait' }
  | { name: 'resume' }
  | { name: 'resolve' }
  | { name: 'priority'; priority: string }
  | {
      name: 'comment';
      body: string;
      visibility: 'public' | 'internal';
      idempotencyKey?: string;
      countsAsResponse?: boolean;
    }
  | { name: 'accept' }
  | { name: 'reopen'; reason?: string }
  | { name: 'acknowledge' }
  | { name: 'effort'; minutes: number; note?: string; billable?: boolean }
  | { name: 'billable'; estimateMinutes: number; reason: string }
  | { name: 'approveEstimate' };

export type TicketActionName = TicketAction['name'];

type Perform<N extends TicketActionName> = (
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  action: Extract<TicketAction, { name: N }>,
  precondition: Precondition | undefined,
) => Promise<Ticket>;

/** Each action's use case, and the word (under `actions.`) its refusals name it by. */
const USE_CASES: { [N in TicketActionName]: { word: string; perform: Perform<N> } } = {
  claim: { word: 'claim', perform: (deps, actor, id, _, check) => actions.claim(deps, actor, id, check) },
  assign: {
    word: 'assign',
    perform: (deps, actor, id, action, check) => actions.assign(deps, actor, id, action.assigneeId, check),
  },
  start: {
    word: 'startWork',
    perform: (deps, actor, id, _, check) => actions.startWork(deps, actor, id, check),
  },
  wait: {
    word: 'waitOnCustomer',
    perform: (deps, actor, id, _, check) => actions.waitOnCustomer(deps, actor, id, check),
  },
  resume: { word: 'resume', perform: (deps, actor, id, _, check) => actions.resume(deps, actor, id, check) },
  resolve: {
    word: 'resolve',
    perform: (deps, actor, id, _, check) => actions.resolve(deps, actor, id, check),
  },
  priority: {
    word: 'setPriority',
    perform: (deps, actor, id, action, check) => actions.setPriority(deps, actor, id, action.priority, check),
  },
  comment: {
    word: 'comment',
    perform: (deps, actor, id, { body, visibility, idempotencyKey, countsAsResponse }, check) =>
      actions.comment(
        deps,
        actor,
        id,
        {
          body,
          visibility,
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          ...(countsAsResponse ? { countsAsResponse } : {}),
        },
        check,
      ),
  },
  accept: { word: 'accept', perform: (deps, actor, id, _, check) => actions.accept(deps, actor, id, check) },
  reopen: {
    word: 'reopen',
    perform: (deps, actor, id, action, check) => actions.reopen(deps, actor, id, action.reason, check),
  },
  acknowledge: {
    word: 'acknowledge',
    perform: (deps, actor, id, _, check) => actions.acknowledge(deps, actor, id, check),
  },
  effort: {
    word: 'logEffort',
    perform: (deps, actor, id, { minutes, note, billable }, check) =>
      actions.recordEffort(
        deps,
        actor,
        id,
        { minutes, ...(note === undefined ? {} : { note }), ...(billable === undefined ? {} : { billable }) },
        check,
      ),
  },
  billable: {
    word: 'flagBillable',
    perform: (deps, actor, id, { estimateMinutes, reason }, check) =>
      actions.markBillable(deps, actor, id, { estimateMinutes, reason }, check),
  },
  approveEstimate: {
    word: 'approveEstimate',
    perform: (deps, actor, id, _, check) => actions.approveEstimate(deps, actor, id, check),
  },
};

/** Every action name, for the channels that list them. */
export const TICKET_ACTIONS = Object.keys(USE_CASES) as TicketActionName[];

/**
 * The one way in for an action on a ticket, from the HTTP API and from every chat channel; who may
 * do it is checked by the use case. `madeFor` is the step a chat button was made for (see
 * action-steps.ts): when the ticket has moved on from it by the time the change is decided, the
 * action is refused as stale (`staleAction`) instead of acting on the ticket as it is now.
 */
export function performAction(
  deps: DeskDeps,
  actorId: string,
  ticketId: string,
  action: TicketAction,
  madeFor?: string,
): Promise<Ticket> {
  const useCase = USE_CASES[action.name] as { word: string; perform: Perform<TicketActionName> };
  const check =
    madeFor === undefined
      ? undefined
      : (ticket: Ticket) => requireStep(ticket, action.name, useCase.word, madeFor);
  return useCase.perform(deps, actorId, ticketId, action, check);
}
