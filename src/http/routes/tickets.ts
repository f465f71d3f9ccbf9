import { openTicket } from '../../app/open-ticket.ts';
import { getTicket, listTickets, ticketHistory, visibleTo } from '../../app/ticket-queries.ts';
import { DEFAULT_LIST_LIMIT } from '../../app/ports.ts';
import { organisationFor } from '../auth.ts';
import { idempotencyHeader, listTicketsQuery, openTicketBody, ticketPath } from '../request-schemas.ts';
import { route } from '../router.ts';
import { actorOf, EVENT_LIST, keyOf, TICKET, TICKET_LIST, ticketAnswer, ticketAnswers } from './common.ts';

const TAG = 'Tickets';

export const ticketRoutes = [
  route({
    name: 'openTicket',
    method: 'POST',
    path: '/api/tickets',
    summary: 'Open a ticket; the requester is told its id at once',
    tag: TAG,
    access: 'person',
    body: { name: 'OpenTicketRequest', zod: openTicketBody },
    headers: idempotencyHeader,
    responses: { 201: { description: 'The new ticket', schema: TICKET } },
    refusals: [404, 422],
    async handle(context) {
      const { deps } = context.services;
      const actor = actorOf(context);
      const { organisationId: named, requesterId = actor.id, ...request } = context.body;
      // The key's own organisation, or for an admin key the one named; else the requester's (the app's rule).
      const organisationId = organisationFor(keyOf(context), named);
      const idempotencyKey = context.headers['idempotency-key'] as string | undefined;
      const ticket = await openTicket(deps, actor.id, {
        ...request,
        ...(organisationId ? { organisationId } : {}),
        requesterId,
        source: 'api',
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      return { status: 201, body: await ticketAnswer(context, visibleTo(actor, ticket)) };
    },
  }),
  route({
    name: 'listTickets',
    method: 'GET',
    path: '/api/tickets',
    summary: 'Tickets, newest first; a contact sees only their own organisation’s',
    tag: TAG,
    access: 'person',
    query: listTicketsQuery,
    responses: { 200: { description: 'One page of tickets', schema: TICKET_LIST } },
    async handle(context) {
      const { status, limit = DEFAULT_LIST_LIMIT, ...filter } = context.query;
      const page = await listTickets(context.services.deps, actorOf(context).id, {
        ...filter,
        ...(status ? { statuses: status } : {}),
        limit,
      });
      return {
        status: 200,
        body: {
          tickets: await ticketAnswers(context, page.tickets),
          ...(page.next ? { nextCursor: page.next } : {}),
        },
      };
    },
  }),
  route({
    name: 'getTicket',
    method: 'GET',
    path: '/api/tickets/:id',
    summary: 'One ticket',
    tag: TAG,
    access: 'person',
    params: ticketPath,
    responses: { 200: { description: 'The ticket', schema: TICKET } },
    refusals: [404],
    async handle(context) {
      const ticket = await getTicket(context.services.deps, actorOf(context).id, context.params.id);
      return { status: 200, body: await ticketAnswer(context, ticket) };
    },
  }),
  route({
    name: 'ticketHistory',
    method: 'GET',
    path: '/api/tickets/:id/history',
    summary: 'The audit trail of a ticket: who did what, when',
    tag: TAG,
    access: 'person',
    params: ticketPath,
    responses: { 200: { description: 'The ticket’s events, oldest first', schema: EVENT_LIST } },
    refusals: [404],
    async handle(context) {
      const events = await ticketHistory(context.services.deps, actorOf(context).id, context.params.id);
      return { status: 200, body: { events } };
    },
  }),
];
