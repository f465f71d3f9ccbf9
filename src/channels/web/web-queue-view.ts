import { formatInTimeZone } from 'date-fns-tz';
import { stepFor, type ButtonActionName } from '../../app/action-steps.ts';
import type { DeskDeps } from '../../app/desk-deps.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { translate } from '../../i18n/translate.ts';
import { formatDuration } from '../plain-text.ts';
import { actionForm } from './web-forms.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import {
  contractOf,
  ESCALATIONS_SHOWN,
  QUEUE_SCAN,
  QUEUE_SHOWN,
  type EscalationRow,
  type Queue,
  type QueueRow,
} from './web-queue.ts';
import type { SignedInRequest } from './web-request.ts';

const LEVELS = { 1: 'web.queue.level1', 2: 'web.queue.level2', 3: 'web.queue.level3' } as const;

/** A ticket id as an HTML id's tail: ticket ids are short words, but an id never trusts that. */
const idOf = (ticketId: string) => ticketId.replace(/[^A-Za-z0-9_-]/g, '_');

const actionPath = (ticketId: string, action: string) =>
  `/web/queue/${encodeURIComponent(ticketId)}/${action}`;

/** The step a button was made for, so that the app refuses a press from a page that went stale. */
const madeFor = (ticket: Ticket, action: ButtonActionName) => {
  const step = stepFor(ticket, action);
  return step === undefined ? {} : { madeFor: step };
};

/** "20 min left", "late by 1 h", as text: the colour of its class only repeats it. */
export function slaText(request: SignedInRequest, row: Pick<QueueRow, 'leftMs' | 'risk'>): string {
  const { locale } = request;
  if (row.leftMs === undefined) return translate(locale, 'web.queue.sla.none');
  const duration = formatDuration(Math.abs(row.leftMs), locale);
  return row.leftMs < 0
    ? translate(locale, 'web.queue.sla.late', { duration })
    : translate(locale, 'web.queue.sla.left', { duration });
}

function button(request: SignedInRequest, ticket: Ticket, action: ButtonActionName, label: string): string {
  return actionForm(
    request,
    actionPath(ticket.id, action),
    madeFor(ticket, action),
    `<button type="submit">${escapeHtml(label)}</button>`,
    { label: `${label} ${ticket.id}` },
  );
}

function rowActions(deps: DeskDeps, request: SignedInRequest, row: QueueRow, queue: Queue): string {
  const say = wordsIn(request.locale);
  const words = (key: string) => translate(request.locale, key);
  const { ticket } = row;
  const tail = idOf(ticket.id);
  const forms: string[] = [];
  if (!ticket.assigneeId) forms.push(button(request, ticket, 'claim', words('web.queue.claim')));
  if (ticket.status === 'new' || ticket.status === 'claimed')
    forms.push(button(request, ticket, 'start', words('web.queue.start')));
  if (ticket.status === 'claimed' || ticket.status === 'in_progress')
    forms.push(button(request, ticket, 'wait', words('web.queue.wait')));
  if (ticket.status === 'waiting_on_customer')
    forms.push(button(request, ticket, 'resume', words('web.queue.resume')));
  forms.push(button(request, ticket, 'resolve', words('web.queue.resolve')));
  const agents = queue.agents
    .map(
      (agent) =>
        `<option value="${escapeHtml(agent.id)}"${agent.id === ticket.assigneeId ? ' selected' : ''}>${escapeHtml(agent.name)}</option>`,
    )
    .join('');
  forms.push(
    actionForm(
      request,
      actionPath(ticket.id, 'assign'),
      {},
      [
        `<label for="assign-${tail}" class="visually-hidden">${say('web.queue.assignTo', { ticket: ticket.id })}</label>`,
        `<select id="assign-${tail}" name="assignee" required>${agents}</select>`,
        `<button type="submit">${say('web.queue.assign')}</button>`,
      ].join(''),
      { label: `${words('web.queue.assign')} ${ticket.id}` },
    ),
  );
  const contract = contractOf(deps, row.organisation);
  if (contract) {
    const priorities = contract.terms.priorities
      .map(
        (p) =>
          `<option value="${escapeHtml(p.key)}"${p.key === ticket.priority ? ' selected' : ''}>${escapeHtml(`${p.key} ${p.label[request.locale]}`)}</option>`,
      )
      .join('');
    forms.push(
      actionForm(
        request,
        actionPath(ticket.id, 'priority'),
        {},
        [
          `<label for="priority-${tail}" class="visually-hidden">${say('web.queue.priorityOf', { ticket: ticket.id })}</label>`,
          `<select id="priority-${tail}" name="priority" required>${priorities}</select>`,
          `<button type="submit">${say('web.queue.setPriority')}</button>`,
        ].join(''),
        { label: `${words('web.queue.setPriority')} ${ticket.id}` },
      ),
    );
  }
  forms.push(
    actionForm(
      request,
      actionPath(ticket.id, 'comment'),
      {},
      [
        `<label for="note-${tail}" class="visually-hidden">${say('web.queue.noteOn', { ticket: ticket.id })}</label>`,
        `<input id="note-${tail}" name="body" required maxlength="2000">`,
        `<label for="visibility-${tail}" class="visually-hidden">${say('web.queue.visibility')}</label>`,
        `<select id="visibility-${tail}" name="visibility">`,
        `<option value="internal">${say('web.queue.internal')}</option>`,
        `<option value="public">${say('web.queue.public')}</option>`,
        '</select>',
        `<button type="submit">${say('web.queue.addComment')}</button>`,
      ].join(''),
      { label: `${words('web.queue.addComment')} ${ticket.id}` },
    ),
  );
  return `<div class="actions queue-actions">${forms.join('')}</div>`;
}

function ticketRow(deps: DeskDeps, request: SignedInRequest, row: QueueRow, queue: Queue): string {
  const say = wordsIn(request.locale);
  const { ticket } = row;
  return [
    `<tr class="queue-row" data-ticket="${escapeHtml(ticket.id)}">`,
    `<th scope="row"><a href="/web/tickets/${encodeURIComponent(ticket.id)}">${escapeHtml(ticket.id)}</a></th>`,
    `<td>${escapeHtml(ticket.title)}</td>`,
    `<td>${escapeHtml(row.organisation?.name ?? ticket.organisationId)}</td>`,
    `<td>${escapeHtml(ticket.priority)}</td>`,
    `<td>${escapeHtml(translate(request.locale, `statuses.${ticket.status}`))}</td>`,
    `<td>${row.assignee ? escapeHtml(row.assignee.name) : `<strong>${say('web.queue.unclaimed')}</strong>`}</td>`,
    `<td class="sla sla-${row.risk === 'none' ? 'ok' : row.risk}">${escapeHtml(slaText(request, row))}</td>`,
    `<td>${rowActions(deps, request, row, queue)}</td>`,
    '</tr>',
  ].join('');
}

/** The open tickets, most at risk first, with their actions: a live region of its own. */
export function queueSection(deps: DeskDeps, request: SignedInRequest, queue: Queue): string {
  const say = wordsIn(request.locale);
  const notes: string[] = [];
  if (!queue.complete) notes.push(say('web.queue.scanCapped', { max: QUEUE_SCAN }));
  if (!queue.shownAll) notes.push(say('web.queue.shownCapped', { shown: QUEUE_SHOWN, read: queue.read }));
  const head = ['id', 'title', 'organisation', 'priority', 'status', 'assignee', 'sla', 'actions'] as const;
  const headings = {
    id: say('web.queue.columns.id'),
    title: say('web.queue.columns.title'),
    organisation: say('web.queue.columns.organisation'),
    priority: say('web.queue.columns.priority'),
    status: say('web.queue.columns.status'),
    assignee: say('web.queue.columns.assignee'),
    sla: say('web.queue.columns.sla'),
    actions: say('web.queue.columns.actions'),
  };
  const table =
    queue.rows.length === 0
      ? `<p>${say('web.queue.empty')}</p>`
      : [
          '<table class="queue">',
          `<caption class="visually-hidden">${say('web.queue.caption')}</caption>`,
          `<thead><tr>${head.map((column) => `<th scope="col">${headings[column]}</th>`).join('')}</tr></thead>`,
          `<tbody>${queue.rows.map((row) => ticketRow(deps, request, row, queue)).join('')}</tbody>`,
          '</table>',
        ].join('');
  return [
    '<section id="queue-tickets" data-live aria-labelledby="queue-heading">',
    `<h2 id="queue-heading">${say('web.queue.openTickets')}</h2>`,
    `<p class="hint">${say('web.queue.order')}</p>`,
    ...notes.map((note) => `<p class="queue-capped" role="note">${note}</p>`),
    table,
    '</section>',
  ].join('');
}

function escalationRow(request: SignedInRequest, row: EscalationRow): string {
  const say = wordsIn(request.locale);
  const { ticket } = row;
  const zone = row.organisation?.timeZone ?? 'Europe/Stockholm';
  const since = row.since
    ? `<time datetime="${row.since.toISOString()}">${escapeHtml(formatInTimeZone(row.since, zone, 'yyyy-MM-dd HH:mm'))}</time>`
    : '-';
  return [
    `<tr class="escalation-row" data-ticket="${escapeHtml(ticket.id)}">`,
    `<th scope="row"><a href="/web/tickets/${encodeURIComponent(ticket.id)}">${escapeHtml(ticket.id)}</a></th>`,
    `<td>${escapeHtml(ticket.title)}</td>`,
    `<td>${say(LEVELS[row.level as 1 | 2 | 3])}</td>`,
    `<td>${row.to ? escapeHtml(row.to.name) : say('web.queue.nobodyNamed')}</td>`,
    `<td>${since}</td>`,
    `<td>${button(request, ticket, 'acknowledge', translate(request.locale, 'web.queue.acknowledge'))}</td>`,
    '</tr>',
  ].join('');
}

/** Escalations nobody has acknowledged yet, the highest level first: a live region of its own. */
export function escalationSection(request: SignedInRequest, queue: Queue): string {
  const say = wordsIn(request.locale);
  const columns = [
    say('web.queue.columns.id'),
    say('web.queue.columns.title'),
    say('web.queue.columns.level'),
    say('web.queue.columns.wentTo'),
    say('web.queue.columns.since'),
    say('web.queue.columns.actions'),
  ];
  const body =
    queue.escalations.length === 0
      ? `<p>${say('web.queue.noEscalations')}</p>`
      : [
          '<table class="escalations">',
          `<caption class="visually-hidden">${say('web.queue.escalationsCaption')}</caption>`,
          `<thead><tr>${columns.map((column) => `<th scope="col">${column}</th>`).join('')}</tr></thead>`,
          `<tbody>${queue.escalations.map((row) => escalationRow(request, row)).join('')}</tbody>`,
          '</table>',
          queue.escalations.length >= ESCALATIONS_SHOWN
            ? `<p class="queue-capped" role="note">${say('web.queue.escalationsCapped', { max: ESCALATIONS_SHOWN })}</p>`
            : '',
        ].join('');
  return [
    '<section id="queue-escalations" data-live aria-labelledby="escalations-heading">',
    `<h2 id="escalations-heading">${say('web.queue.escalations')}</h2>`,
    body,
    '</section>',
  ].join('');
}
