import type { Organisation } from '../../domain/desk/organisation.ts';
import type { Person } from '../../domain/desk/people.ts';
import type { Contract } from '../../domain/sla/contract.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { translate } from '../../i18n/translate.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import { priorityLabel } from './web-priority.ts';
import type { SignedInRequest } from './web-request.ts';
import { slaStateHtml, slaStateOf } from './web-sla-state.ts';
import { slaTimelineHtml } from './web-sla-timeline.ts';
import { commentFormHtml, decisionsHtml, deskActionsHtml } from './web-ticket-actions-view.ts';
import { effortHtml, estimateHtml } from './web-ticket-effort.ts';
import { escalationsHtml, historyHtml } from './web-ticket-history.ts';
import { timeHtml } from './web-time.ts';

export interface TicketPageInput {
  /** As the reader may see it (`getTicket`), with its history as they may see it (`ticketHistory`). */
  ticket: Ticket;
  events: TicketEvent[];
  organisation: Organisation;
  contract: Contract;
  names: Map<string, string>;
  /** The desk's people to assign to; empty for a customer. */
  agents: Person[];
  deskSide: boolean;
  now: Date;
}

function summary(request: SignedInRequest, input: TicketPageInput): string {
  const say = wordsIn(request.locale);
  const { ticket, organisation, contract, names, now } = input;
  const zone = organisation.timeZone;
  const item = (key: string, value: string) => `<div><dt>${say(key)}</dt><dd>${value}</dd></div>`;
  const assignee = ticket.assigneeId
    ? escapeHtml(names.get(ticket.assigneeId) ?? ticket.assigneeId)
    : say('web.tickets.unassigned');
  const requested =
    ticket.requestedPriority && ticket.requestedPriority !== ticket.priority
      ? ` (${say('web.tickets.requestedPriority', { priority: priorityLabel(contract, ticket.requestedPriority, request.locale) })})`
      : '';
  return [
    '<section id="ticket-summary" data-live aria-labelledby="summary-heading">',
    `<h2 id="summary-heading">${say('web.tickets.summary')}</h2>`,
    '<dl class="ticket-facts">',
    item(
      'web.tickets.column.status',
      `<span class="badge">${escapeHtml(translate(request.locale, `statuses.${ticket.status}`))}</span>`,
    ),
    item(
      'web.tickets.column.priority',
      escapeHtml(priorityLabel(contract, ticket.priority, request.locale)) + requested,
    ),
    item('web.tickets.column.assignee', assignee),
    item(
      'web.tickets.column.sla',
      slaStateHtml(slaStateOf(ticket, contract, zone, now), request.locale, zone),
    ),
    item('web.tickets.column.organisation', escapeHtml(organisation.name)),
    item('web.tickets.created', timeHtml(ticket.createdAt, zone)),
    ticket.requesterId
      ? item('web.tickets.requester', escapeHtml(names.get(ticket.requesterId) ?? ticket.requesterId))
      : '',
    '</dl>',
    ticket.description
      ? `<p class="description">${escapeHtml(ticket.description).replace(/\n/g, '<br>')}</p>`
      : '',
    '</section>',
  ].join('');
}

/**
 * One ticket's page. A customer sees where it stands, its public history, their own decisions and
 * a reply form; the desk sees everything, internal notes marked, the SLA clocks on a timeline, the
 * escalation steps, effort and billable work, and its actions.
 */
export function ticketPageMain(request: SignedInRequest, input: TicketPageInput): string {
  const say = wordsIn(request.locale);
  const zone = input.organisation.timeZone;
  const history = {
    ticket: input.ticket,
    events: input.events,
    names: input.names,
    timeZone: zone,
    locale: request.locale,
  };
  const back = `<p><a href="/web/tickets">${say('web.tickets.backToList')}</a></p>`;
  if (!input.deskSide) {
    return [
      back,
      summary(request, input),
      decisionsHtml(request, input.ticket),
      estimateHtml(request, input.ticket, input.names, zone),
      historyHtml(history),
      commentFormHtml(request, input.ticket, false),
    ].join('');
  }
  return [
    back,
    summary(request, input),
    deskActionsHtml(request, input.ticket, input.contract, input.agents),
    slaTimelineHtml({
      ticket: input.ticket,
      events: input.events,
      contract: input.contract,
      timeZone: zone,
      now: input.now,
      locale: request.locale,
    }),
    escalationsHtml(history),
    effortHtml(request, input.ticket, input.names, zone),
    historyHtml(history),
    commentFormHtml(request, input.ticket, true),
  ].join('');
}
