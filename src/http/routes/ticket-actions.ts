import type { z } from 'zod';
import { performAction, type TicketAction } from '../../app/perform-action.ts';
import * as actions from '../../app/ticket-actions.ts';
import * as schemas from '../request-schemas.ts';
import { route, type Route } from '../router.ts';
import { actorOf, LINK_RESULT, TICKET, ticketAnswer, ticketAnswers } from './common.ts';

const TAG = 'Ticket actions';

interface ActionSpec<B extends z.ZodType> {
  slug: string;
  name: string;
  summary: string;
  body?: { name: string; zod: B };
  /** Statuses beyond 404 the use case may refuse with. */
  refusals: readonly number[];
  /** The action the request stands for; every one goes through `performAction`, as chat buttons do. */
  action(body: z.output<B>): TicketAction;
}

const NO_FIELDS = { name: 'NoFields', zod: schemas.noBody };

/** `POST /api/tickets/:id/actions/<slug>`: one action; the answer is the ticket as the actor may see it. */
function action<B extends z.ZodType = typeof schemas.noBody>(spec: ActionSpec<B>): Route {
  return route({
    name: spec.name,
    method: 'POST',
    path: `/api/tickets/:id/actions/${spec.slug}`,
    summary: spec.summary,
    tag: TAG,
    access: 'person',
    params: schemas.ticketPath,
    // Without a body schema, B is the empty object's (the default), so the cast only restates that.
    body: spec.body ?? (NO_FIELDS as unknown as { name: string; zod: B }),
    responses: { 200: { description: 'The ticket after the action', schema: TICKET } },
    refusals: [404, ...spec.refusals],
    async handle(context) {
      const actor = actorOf(context);
      // The use case already hands back the ticket as this person may see it.
      const ticket = await performAction(
        context.services.deps,
        actor.id,
        context.params.id,
        spec.action(context.body),
      );
      return { status: 200, body: await ticketAnswer(context, ticket) };
    },
  });
}

export const ticketActionRoutes: Route[] = [
  action({
    slug: 'claim',
    name: 'claimTicket',
    summary: 'Claim an unclaimed ticket (desk only); a second claimant learns who was first',
    refusals: [409],
    action: () => ({ name: 'claim' }),
  }),
  action({
    slug: 'assign',
    name: 'assignTicket',
    summary: 'Assign the ticket to an agent (desk only)',
    body: { name: 'AssignRequest', zod: schemas.assignBody },
    refusals: [409],
    action: ({ assigneeId }) => ({ name: 'assign', assigneeId }),
  }),
  action({
    slug: 'start',
    name: 'startWork',
    summary: 'Work has started: stops the response clock (desk only)',
    refusals: [409],
    action: () => ({ name: 'start' }),
  }),
  action({
    slug: 'wait',
    name: 'waitOnCustomer',
    summary: 'Wait on the customer: pauses the resolution clock (desk only)',
    refusals: [409],
    action: () => ({ name: 'wait' }),
  }),
  action({
    slug: 'resume',
    name: 'resumeWork',
    summary: 'Back in the desk’s hands after waiting on the customer (desk only)',
    refusals: [409],
    action: () => ({ name: 'resume' }),
  }),
  action({
    slug: 'resolve',
    name: 'resolveTicket',
    summary: 'Resolve: the customer is asked to accept (desk only)',
    refusals: [409],
    action: () => ({ name: 'resolve' }),
  }),
  action({
    slug: 'priority',
    name: 'setPriority',
    summary: 'Set the priority (desk only); reschedules the SLA timers',
    body: { name: 'PriorityRequest', zod: schemas.priorityBody },
    refusals: [409, 422],
    action: ({ priority }) => ({ name: 'priority', priority }),
  }),
  action({
    slug: 'comment',
    name: 'commentOnTicket',
    summary: 'Comment; internal notes are desk only, a customer reply resumes a waiting ticket',
    body: { name: 'CommentRequest', zod: schemas.commentBody },
    refusals: [409],
    action: ({ body, visibility }) => ({ name: 'comment', body, visibility }),
  }),
  action({
    slug: 'accept',
    name: 'acceptSolution',
    summary: 'The customer accepts the solution: the ticket closes',
    refusals: [409],
    action: () => ({ name: 'accept' }),
  }),
  action({
    slug: 'reopen',
    name: 'reopenTicket',
    summary: 'Reject the solution: the ticket is worked on again',
    body: { name: 'ReopenRequest', zod: schemas.reopenBody },
    refusals: [409],
    action: ({ reason }) => ({ name: 'reopen', ...(reason === undefined ? {} : { reason }) }),
  }),
  action({
    slug: 'effort',
    name: 'logEffort',
    summary: 'Log effort in minutes (desk only)',
    body: { name: 'EffortRequest', zod: schemas.effortBody },
    refusals: [409, 422],
    action: (entry) => ({ name: 'effort', ...entry }),
  }),
  action({
    slug: 'billable',
    name: 'flagBillable',
    summary: 'Flag out-of-contract work with an estimate for the customer to approve (desk only)',
    body: { name: 'BillableRequest', zod: schemas.billableBody },
    refusals: [409, 422],
    action: (estimate) => ({ name: 'billable', ...estimate }),
  }),
  action({
    slug: 'approve-estimate',
    name: 'approveEstimate',
    summary: 'The customer approves the billable estimate',
    refusals: [409],
    action: () => ({ name: 'approveEstimate' }),
  }),
  action({
    slug: 'acknowledge',
    name: 'acknowledgeEscalation',
    summary: 'Acknowledge the ticket’s escalation (desk only)',
    refusals: [409],
    action: () => ({ name: 'acknowledge' }),
  }),
  route({
    name: 'linkToProblem',
    method: 'POST',
    path: '/api/tickets/:id/actions/link-problem',
    summary: 'Link this incident to the problem that explains it (desk only)',
    tag: TAG,
    access: 'person',
    params: schemas.ticketPath,
    body: { name: 'LinkProblemRequest', zod: schemas.linkProblemBody },
    responses: { 200: { description: 'Both tickets after linking', schema: LINK_RESULT } },
    refusals: [404, 409, 422],
    async handle(context) {
      const { incident, problem } = await actions.linkToProblem(
        context.services.deps,
        actorOf(context).id,
        context.params.id,
        context.body.problemId,
      );
      const [incidentAnswer, problemAnswer] = await ticketAnswers(context, [incident, problem]);
      return { status: 200, body: { incident: incidentAnswer, problem: problemAnswer } };
    },
  }),
];
