import type { Ticket } from '../../domain/tickets/ticket.ts';
import { formatDuration } from '../plain-text.ts';
import { actionForm } from './web-forms.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import type { SignedInRequest } from './web-request.ts';
import { timeHtml } from './web-time.ts';

const minutesText = (minutes: number, request: SignedInRequest) =>
  escapeHtml(formatDuration(minutes * 60_000, request.locale));

function billableState(
  request: SignedInRequest,
  ticket: Ticket,
  names: Map<string, string>,
  timeZone: string,
) {
  const say = wordsIn(request.locale);
  const work = ticket.billable;
  if (!work) return `<p>${say('web.tickets.effort.notBillable')}</p>`;
  const name = (id: string) => escapeHtml(names.get(id) ?? id);
  const estimate = minutesText(work.estimateMinutes, request);
  const flagged = say('web.tickets.effort.flagged', { estimate, who: name(work.flaggedBy) });
  const approval = work.approvedAt
    ? `${say('web.tickets.effort.approved', { who: name(work.approvedBy ?? '-') })} ${timeHtml(work.approvedAt, timeZone)}`
    : `<strong>${say('web.tickets.effort.awaitingApproval')}</strong>`;
  return [
    `<p>${flagged} ${timeHtml(work.flaggedAt, timeZone)}.</p>`,
    `<p>${say('web.tickets.effort.reason')}: ${escapeHtml(work.reason)}</p>`,
    `<p>${approval}</p>`,
  ].join('');
}

/** What a contact is told of billable work: the estimate, and whether it waits for them. */
export function estimateHtml(
  request: SignedInRequest,
  ticket: Ticket,
  names: Map<string, string>,
  timeZone: string,
) {
  if (!ticket.billable) return '';
  const say = wordsIn(request.locale);
  return [
    '<section id="estimate" data-live aria-labelledby="estimate-heading">',
    `<h2 id="estimate-heading">${say('web.tickets.effort.billableHeading')}</h2>`,
    billableState(request, ticket, names, timeZone),
    '</section>',
  ].join('');
}

/** The desk's effort on the ticket, its total, the billable work and its forms. */
export function effortHtml(
  request: SignedInRequest,
  ticket: Ticket,
  names: Map<string, string>,
  timeZone: string,
): string {
  const say = wordsIn(request.locale);
  const total = ticket.effort.reduce((sum, entry) => sum + entry.minutes, 0);
  const col = (key: string) => `<th scope="col">${say(key)}</th>`;
  const rows = ticket.effort
    .map((entry) =>
      [
        `<tr><td>${timeHtml(entry.at, timeZone)}</td>`,
        `<td>${escapeHtml(names.get(entry.personId) ?? entry.personId)}</td>`,
        `<td>${minutesText(entry.minutes, request)}</td>`,
        `<td>${escapeHtml(entry.note ?? '')}</td>`,
        `<td>${entry.billable ? say('web.tickets.effort.yes') : say('web.tickets.effort.no')}</td></tr>`,
      ].join(''),
    )
    .join('');
  const table =
    ticket.effort.length > 0
      ? [
          '<table class="effort">',
          `<caption class="visually-hidden">${say('web.tickets.effort.caption')}</caption>`,
          `<thead><tr>${col('web.tickets.effort.when')}${col('web.tickets.effort.who')}${col('web.tickets.effort.time')}${col('web.tickets.effort.note')}${col('web.tickets.effort.billable')}</tr></thead>`,
          `<tbody>${rows}</tbody>`,
          `<tfoot><tr><th scope="row" colspan="2">${say('web.tickets.effort.total')}</th><td colspan="3">${minutesText(total, request)}</td></tr></tfoot>`,
          '</table>',
        ].join('')
      : `<p>${say('web.tickets.effort.none')}</p>`;
  const forms: string[] = [];
  if (ticket.status !== 'closed') {
    const billableBox = ticket.billable?.approvedAt
      ? `<label><input type="checkbox" name="billable" value="on"> ${say('web.tickets.effort.logBillable')}</label>`
      : '';
    forms.push(
      actionForm(
        request,
        `/web/tickets/${encodeURIComponent(ticket.id)}/effort`,
        {},
        [
          `<label for="effort-minutes">${say('web.tickets.effort.minutes')}</label>`,
          '<input id="effort-minutes" name="minutes" type="number" min="1" max="1440" required>',
          `<label for="effort-note">${say('web.tickets.effort.note')}</label>`,
          '<input id="effort-note" name="note" maxlength="2000">',
          billableBox,
          `<button type="submit">${say('web.tickets.effort.log')}</button>`,
        ].join(''),
        { className: 'effort-form' },
      ),
    );
    if (!ticket.billable)
      forms.push(
        actionForm(
          request,
          `/web/tickets/${encodeURIComponent(ticket.id)}/billable`,
          {},
          [
            `<label for="billable-estimate">${say('web.tickets.effort.estimateMinutes')}</label>`,
            '<input id="billable-estimate" name="estimateMinutes" type="number" min="1" required>',
            `<label for="billable-reason">${say('web.tickets.effort.reason')}</label>`,
            '<input id="billable-reason" name="reason" maxlength="2000" required>',
            `<button type="submit">${say('web.tickets.effort.flag')}</button>`,
          ].join(''),
          { className: 'billable-form' },
        ),
      );
  }
  return [
    '<section id="effort" data-live aria-labelledby="effort-heading">',
    `<h2 id="effort-heading">${say('web.tickets.effort.heading')}</h2>`,
    table,
    `<h3>${say('web.tickets.effort.billableHeading')}</h3>`,
    billableState(request, ticket, names, timeZone),
    forms.join(''),
    '</section>',
  ].join('');
}
