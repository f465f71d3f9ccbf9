import { withSchedule, type ScheduledTicket } from '../../app/ticket-schedule.ts';
import { isDeskSide, type Person } from '../../domain/desk/people.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { ApiKey } from '../../app/ports.ts';
import * as responses from '../response-schemas.ts';
import type { RouteContext } from '../router.ts';

/** Response schemas by the name they carry in the API description. */
export const TICKET = { name: 'Ticket', zod: responses.ticketResponse };
export const TICKET_LIST = { name: 'TicketList', zod: responses.ticketListResponse };
export const EVENT_LIST = { name: 'TicketEventList', zod: responses.eventListResponse };
export const ALERT_RESULT = { name: 'AlertResult', zod: responses.alertResponse };
export const LINK_RESULT = { name: 'ProblemLink', zod: responses.linkResponse };
export const ORGANISATION = { name: 'Organisation', zod: responses.organisationResponse };
export const ORGANISATION_LIST = { name: 'OrganisationList', zod: responses.organisationListResponse };
export const PERSON = { name: 'Person', zod: responses.personResponse };
export const CEO = { name: 'Ceo', zod: responses.ceoResponse };
export const CEO_SETTING = { name: 'CeoSetting', zod: responses.ceoSettingResponse };
export const AGENT_LIST = { name: 'AgentList', zod: responses.agentListResponse };
export const CONTACT_LIST = { name: 'ContactList', zod: responses.contactListResponse };
export const API_KEY_LIST = { name: 'ApiKeyList', zod: responses.apiKeyListResponse };
export const CREATED_API_KEY = { name: 'CreatedApiKey', zod: responses.createdApiKeyResponse };
export const REVOKED = { name: 'Revoked', zod: responses.revokedResponse };
export const HEALTH = { name: 'Health', zod: responses.healthResponse };
export const READY = { name: 'Readiness', zod: responses.readyResponse };
export const ERROR = { name: 'Error', zod: responses.errorResponse };

// The router guarantees both on the routes that declare the access; a miss is a wiring mistake.
export function actorOf(context: RouteContext<unknown, unknown, unknown>): Person {
  if (!context.actor) throw new Error('route without access "person" asked for the acting person');
  return context.actor;
}

export function keyOf(context: RouteContext<unknown, unknown, unknown>): ApiKey {
  if (!context.key) throw new Error('public route asked for the API key');
  return context.key;
}

/** A ticket as an organisation's key may see it: the desk's internal notes stay with the desk. */
export function asSeenBy(key: ApiKey, ticket: Ticket): Ticket {
  if (key.scope.kind === 'admin') return ticket;
  return { ...ticket, comments: ticket.comments.filter((comment) => comment.visibility === 'public') };
}

type AnyContext = RouteContext<unknown, unknown, unknown>;

/** The acting person's side, or without one (alerts) the key's. */
const forTheDesk = (context: AnyContext) =>
  context.actor ? isDeskSide(context.actor) : context.key?.scope.kind === 'admin';

/**
 * Tickets as the API answers them. The desk's answers carry `schedule`: the reminders and
 * escalation levels still to come and when, so an operator sees an escalation coming; a customer's
 * do not, the escalation plan being the desk's own business.
 */
export async function ticketAnswers(
  context: AnyContext,
  tickets: readonly Ticket[],
): Promise<ScheduledTicket[]> {
  return forTheDesk(context) ? withSchedule(context.services.deps, tickets) : [...tickets];
}

export async function ticketAnswer(context: AnyContext, ticket: Ticket): Promise<ScheduledTicket> {
  const [answer] = await ticketAnswers(context, [ticket]);
  return answer!;
}
