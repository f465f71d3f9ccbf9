import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';
import { STATUSES, type Ticket } from '../../domain/tickets/ticket.ts';
import { translate } from '../../i18n/translate.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import { priorityLabel } from './web-priority.ts';
import type { SignedInRequest } from './web-request.ts';
import { slaStateHtml, slaStateOf } from './web-sla-state.ts';
import type { ListQuery } from './web-ticket-list.ts';

export interface ListView {
  tickets: Ticket[];
  next?: string;
  query: ListQuery;
  /** Every organisation whose tickets are shown, and for the desk every one to filter by. */
  organisations: Map<string, Organisation>;
  names: Map<string, string>;
  deskSide: boolean;
}

const option = (value: string, label: string, chosen: string | undefined) =>
  `<option value="${escapeHtml(value)}"${value === (chosen ?? '') ? ' selected' : ''}>${escapeHtml(label)}</option>`;

function filters(request: SignedInRequest, deps: DeskDeps, view: ListView): string {
  const say = wordsIn(request.locale);
  const { query } = view;
  const statuses = [
    option('', translate(request.locale, 'web.tickets.filter.any'), query.status),
    option('open', translate(request.locale, 'web.tickets.filter.open'), query.status),
    ...STATUSES.map((status) =>
      option(status, translate(request.locale, `statuses.${status}`), query.status),
    ),
  ].join('');
  // The priorities of every contract in view, once each, as the first contract names them.
  const priorities = new Map<string, string>();
  for (const organisation of view.organisations.values()) {
    const contract = deps.contracts.contract(organisation.contractId);
    for (const p of contract.terms.priorities)
      if (!priorities.has(p.key)) priorities.set(p.key, priorityLabel(contract, p.key, request.locale));
  }
  const priorityOptions = [
    option('', translate(request.locale, 'web.tickets.filter.any'), query.priority),
    ...[...priorities].map(([key, label]) => option(key, label, query.priority)),
  ].join('');
  const organisationFilter = view.deskSide
    ? [
        `<div><label for="filter-organisation">${say('web.tickets.filter.organisation')}</label>`,
        `<select id="filter-organisation" name="organisation">`,
        option('', translate(request.locale, 'web.tickets.filter.any'), query.organisation),
        ...[...view.organisations.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((o) => option(o.id, o.name, query.organisation)),
        '</select></div>',
      ].join('')
    : '';
  return [
    `<form method="get" action="/web/tickets" class="filters" role="search" aria-label="${say('web.tickets.filter.label')}">`,
    `<div><label for="filter-status">${say('web.tickets.filter.status')}</label>`,
    `<select id="filter-status" name="status">${statuses}</select></div>`,
    `<div><label for="filter-priority">${say('web.tickets.filter.priority')}</label>`,
    `<select id="filter-priority" name="priority">${priorityOptions}</select></div>`,
    organisationFilter,
    `<div><label for="filter-q">${say('web.tickets.filter.search')}</label>`,
    `<input id="filter-q" name="q" type="search" maxlength="200" value="${escapeHtml(query.q ?? '')}"></div>`,
    `<div><button type="submit">${say('web.tickets.filter.submit')}</button>`,
    ` <a href="/web/tickets">${say('web.tickets.filter.clear')}</a></div>`,
    '</form>',
  ].join('');
}

function row(request: SignedInRequest, deps: DeskDeps, view: ListView, ticket: Ticket, now: Date): string {
  const say = wordsIn(request.locale);
  const organisation = view.organisations.get(ticket.organisationId);
  const contract = organisation ? deps.contracts.contract(organisation.contractId) : undefined;
  const timeZone = organisation?.timeZone ?? 'UTC';
  const sla = contract
    ? slaStateHtml(slaStateOf(ticket, contract, timeZone, now), request.locale, timeZone)
    : '-';
  const assignee = ticket.assigneeId
    ? escapeHtml(view.names.get(ticket.assigneeId) ?? ticket.assigneeId)
    : say('web.tickets.unassigned');
  return [
    '<tr>',
    `<th scope="row"><a href="/web/tickets/${encodeURIComponent(ticket.id)}">${escapeHtml(ticket.id)}</a></th>`,
    `<td>${escapeHtml(ticket.title)}</td>`,
    view.deskSide ? `<td>${escapeHtml(organisation?.name ?? ticket.organisationId)}</td>` : '',
    `<td><span class="badge">${escapeHtml(translate(request.locale, `statuses.${ticket.status}`))}</span></td>`,
    `<td>${escapeHtml(priorityLabel(contract, ticket.priority, request.locale))}</td>`,
    `<td>${assignee}</td>`,
    `<td>${sla}</td>`,
    '</tr>',
  ].join('');
}

function pager(request: SignedInRequest, view: ListView): string {
  const say = wordsIn(request.locale);
  const links: string[] = [];
  const withCursor = (cursor: string | undefined) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(view.query))
      if (name !== 'cursor' && typeof value === 'string') params.set(name, value);
    if (cursor) params.set('cursor', cursor);
    const text = params.toString();
    return `/web/tickets${text ? `?${text}` : ''}`;
  };
  if (view.query.cursor)
    links.push(`<a href="${escapeHtml(withCursor(undefined))}">${say('web.tickets.first')}</a>`);
  if (view.next) {
    const label = view.query.q ? say('web.tickets.searchOn') : say('web.tickets.next');
    links.push(`<a href="${escapeHtml(withCursor(view.next))}" rel="next">${label}</a>`);
  }
  return links.length > 0
    ? `<nav class="pager" aria-label="${say('web.tickets.pages')}">${links.join(' ')}</nav>`
    : '';
}

/** The portal's list: the filters as a GET form, then the tickets in a region the script redraws. */
export function ticketListHtml(request: SignedInRequest, deps: DeskDeps, view: ListView, now: Date): string {
  const say = wordsIn(request.locale);
  const head = [
    say('web.tickets.column.id'),
    say('web.tickets.column.title'),
    ...(view.deskSide ? [say('web.tickets.column.organisation')] : []),
    say('web.tickets.column.status'),
    say('web.tickets.column.priority'),
    say('web.tickets.column.assignee'),
    say('web.tickets.column.sla'),
  ]
    .map((name) => `<th scope="col">${name}</th>`)
    .join('');
  const table =
    view.tickets.length === 0
      ? `<p>${say('web.tickets.none')}</p>`
      : [
          '<table class="tickets">',
          `<caption class="visually-hidden">${say('web.tickets.caption')}</caption>`,
          `<thead><tr>${head}</tr></thead>`,
          `<tbody>${view.tickets.map((ticket) => row(request, deps, view, ticket, now)).join('')}</tbody>`,
          '</table>',
        ].join('');
  const searched = view.query.q ? `<p class="hint">${say('web.tickets.searchHint')}</p>` : '';
  return [
    filters(request, deps, view),
    '<section id="ticket-list" data-live aria-labelledby="ticket-list-heading">',
    `<h2 id="ticket-list-heading">${say('web.tickets.results', { count: view.tickets.length })}</h2>`,
    searched,
    table,
    pager(request, view),
    '</section>',
  ].join('');
}
