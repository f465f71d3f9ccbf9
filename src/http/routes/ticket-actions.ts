import type { z } from 'zod';
import type { DeskDeps } from '../../app/desk-deps.ts';
import * as actions from '../../app/ticket-actions.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
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
  run(deps: DeskDeps, actorId: string, ticketId: string, body: z.output<B>): Promise<Ticket>;
}

const NO_FIELDS = { name: 'NoFields', zod: schemas.noBody };

/** `POST /api/tickets/:id/actions/<slug>`: one use case; the answer is the ticket as the actor may see it. */
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
      const ticket = await spec.run(context.services.deps, actor.id, context.params.id, context.body);
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
    run: (deps, actor, id) => actions.claim(deps, actor, id),
  }),
  action({
    slug: 'assign',
    name: 'assignTicket',
    summary: 'Assign the ticket to an agent (desk only)',
    body: { name: 'AssignRequest', zod: schemas.assignBody },
    refusals: [409],
    run: (deps, actor, id, body) => actions.assign(deps, actor, id, body.assigneeId),
  }),
  action({
    slug: 'start',
    name: 'startWork',
    summary: 'Work has started: stops the response clock (desk only)',
    refusals: [409],
    run: (deps, actor, id) => actions.startWork(deps, actor, id),
  }),
  action({
    slug: 'wait',
    name: 'waitOnCustomer',
    summary: 'Wait on the customer: pauses the resolution clock (desk only)',
    refusals: [409],
    run: (deps, actor, id) => actions.waitOnCustomer(deps, actor, id),
  }),
  action({
    slug: 'resume',
    name: 'resumeWork',
    summary: 'Back in the desk’s hands after waiting on the customer (desk only)',
    refusals: [409],
    run: (deps, actor, id) => actions.resume(deps, actor, id),
  }),
  action({
    slug: 'resolve',
    name: 'resolveTicket',
    summary: 'Resolve: the customer is asked to accept (desk only)',
    refusals: [409],
    run: (deps, actor, id) => actions.resolve(deps, actor, id),
  }),
  action({
    slug: 'priority',
    name: 'setPriority',
    summary: 'Set the priority (desk only); reschedules the SLA timers',
    body: { name: 'PriorityRequest', zod: schemas.priorityBody },
    refusals: [409, 422],
    run: (deps, actor, id, body) => actions.setPriority(deps, actor, id, body.priority),
  }),
  action({
    slug: 'comment',
    name: 'commentOnTicket',
    summary: 'Comment; internal notes are desk only, a customer reply resumes a waiting ticket',
    body: { name: 'CommentRequest', zod: schemas.commentBody },
    refusals: [409],
    run: (deps, actor, id, body) => actions.comment(deps, actor, id, body),
  }),
  action({
    slug: 'accept',
    name: 'acceptSolution',
    summary: 'The customer accepts the solution: the ticket closes',
    refusals: [409],
    run: (deps, actor, id) => actions.accept(deps, actor, id),
  }),
  action({
    slug: 'reopen',
    name: 'reopenTicket',
    summary: 'Reject the solution: the ticket is worked on again',
    body: { name: 'ReopenRequest', zod: schemas.reopenBody },
    refusals: [409],
    run: (deps, actor, id, body) => actions.reopen(deps, actor, id, body.reason),
  }),
  action({
    slug: 'effort',
    name: 'logEffort',
    summary: 'Log effort in minutes (desk only)',
    body: { name: 'EffortRequest', zod: schemas.effortBody },
    refusals: [409, 422],
    run: (deps, actor, id, body) => actions.recordEffort(deps, actor, id, body),
  }),
  action({
    slug: 'billable',
    name: 'flagBillable',
    summary: 'Flag out-of-contract work with an estimate for the customer to approve (desk only)',
    body: { name: 'BillableRequest', zod: schemas.billableBody },
    refusals: [409, 422],
    run: (deps, actor, id, body) => actions.markBillable(deps, actor, id, body),
  }),
  action({
    slug: 'approve-estimate',
    name: 'approveEstimate',
    summary: 'The customer approves the billable estimate',
    refusals: [409],
    run: (deps, actor, id) => actions.approveEstimate(deps, actor, id),
  }),
  action({
    slug: 'acknowledge',
    name: 'acknowledgeEscalation',
    summary: 'Acknowledge the ticket’s escalation (desk only)',
    refusals: [409],
    run: (deps, actor, id) => actions.acknowledge(deps, actor, id),
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
