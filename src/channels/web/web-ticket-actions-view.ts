import { stepFor } from '../../app/action-steps.ts';
import type { Person } from '../../domain/desk/people.ts';
import type { Contract } from '../../domain/sla/contract.ts';
import { isOpen, type Ticket } from '../../domain/tickets/ticket.ts';
import { actionForm } from './web-forms.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import type { SignedInRequest } from './web-request.ts';

const button = (text: string, className = '') =>
  `<button type="submit"${className ? ` class="${className}"` : ''}>${text}</button>`;

const actionPath = (ticket: Ticket, slug: string) => `/web/tickets/${encodeURIComponent(ticket.id)}/${slug}`;

/**
 * The customer's own decisions on the ticket: accepting the solution or saying it is not solved
 * once resolved, approving a billable estimate. Each button carries the step it was drawn for, so
 * a press from a page the ticket has moved on from is refused by the app instead of acting.
 */
export function decisionsHtml(request: SignedInRequest, ticket: Ticket): string {
  const say = wordsIn(request.locale);
  const forms: string[] = [];
  if (ticket.status === 'resolved') {
    forms.push(
      actionForm(
        request,
        actionPath(ticket, 'accept'),
        { madeFor: stepFor(ticket, 'accept') },
        button(say('web.tickets.actions.accept')),
      ),
      actionForm(
        request,
        actionPath(ticket, 'reopen'),
        { madeFor: stepFor(ticket, 'reopen') },
        [
          `<label for="reopen-reason">${say('web.tickets.actions.reopenReason')}</label>`,
          '<input id="reopen-reason" name="reason" maxlength="2000">',
          button(say('web.tickets.actions.reopen'), 'secondary'),
        ].join(''),
      ),
    );
  }
  if (ticket.billable && !ticket.billable.approvedAt) {
    forms.push(
      actionForm(
        request,
        actionPath(ticket, 'approve-estimate'),
        { madeFor: stepFor(ticket, 'approveEstimate') },
        button(say('web.tickets.actions.approveEstimate')),
      ),
    );
  }
  const question =
    ticket.status === 'resolved' ? `<p>${say('web.tickets.decisions.resolvedQuestion')}</p>` : '';
  return [
    '<section id="decisions" data-live aria-labelledby="decisions-heading">',
    `<h2 id="decisions-heading">${say('web.tickets.decisions.heading')}</h2>`,
    question,
    forms.length > 0
      ? `<div class="actions">${forms.join('')}</div>`
      : `<p>${say('web.tickets.decisions.none')}</p>`,
    '</section>',
  ].join('');
}

const option = (value: string, label: string, chosen: string | undefined) =>
  `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(label)}</option>`;

/** The desk's actions on the ticket, those its status allows; the app checks them all again. */
export function deskActionsHtml(
  request: SignedInRequest,
  ticket: Ticket,
  contract: Contract,
  agents: readonly Person[],
): string {
  const say = wordsIn(request.locale);
  const forms: string[] = [];
  const simple = (slug: string, key: string, madeFor?: string) =>
    forms.push(actionForm(request, actionPath(ticket, slug), { madeFor }, button(say(key))));
  const open = isOpen(ticket);
  // Claiming is for a ticket nobody has; taking one over from a colleague is assigning it.
  if (open && !ticket.assigneeId) simple('claim', 'web.tickets.actions.claim');
  if (ticket.status === 'new' || ticket.status === 'claimed') simple('start', 'web.tickets.actions.start');
  if (ticket.status === 'claimed' || ticket.status === 'in_progress')
    simple('wait', 'web.tickets.actions.wait');
  if (ticket.status === 'waiting_on_customer') simple('resume', 'web.tickets.actions.resume');
  if (open) simple('resolve', 'web.tickets.actions.resolve');
  // The desk may take a solution back too; the button answers this resolution only.
  if (ticket.status === 'resolved')
    simple('reopen', 'web.tickets.actions.deskReopen', stepFor(ticket, 'reopen'));
  if (ticket.sla.escalationLevel > ticket.sla.acknowledgedLevel)
    simple('acknowledge', 'web.tickets.actions.acknowledge', stepFor(ticket, 'acknowledge'));
  if (open) {
    forms.push(
      actionForm(
        request,
        actionPath(ticket, 'assign'),
        {},
        [
          `<label for="assign-to">${say('web.tickets.actions.assignTo')}</label>`,
          '<select id="assign-to" name="assignee" required>',
          ...agents.map((agent) => option(agent.id, agent.name, ticket.assigneeId)),
          '</select>',
          button(say('web.tickets.actions.assign')),
        ].join(''),
      ),
      actionForm(
        request,
        actionPath(ticket, 'priority'),
        {},
        [
          `<label for="set-priority">${say('web.tickets.actions.priorityLabel')}</label>`,
          '<select id="set-priority" name="priority" required>',
          ...contract.terms.priorities.map((p) =>
            option(p.key, `${p.key} ${p.label[request.locale]}`, ticket.priority),
          ),
          '</select>',
          button(say('web.tickets.actions.priority')),
        ].join(''),
      ),
    );
  }
  return [
    '<section id="desk-actions" data-live aria-labelledby="desk-actions-heading">',
    `<h2 id="desk-actions-heading">${say('web.tickets.actions.heading')}</h2>`,
    forms.length > 0
      ? `<div class="actions">${forms.join('')}</div>`
      : `<p>${say('web.tickets.actions.none')}</p>`,
    '</section>',
  ].join('');
}

/** Writing on the ticket: a public reply, and for the desk an internal note instead. */
export function commentFormHtml(request: SignedInRequest, ticket: Ticket, deskSide: boolean): string {
  const say = wordsIn(request.locale);
  if (ticket.status === 'closed') return '';
  const visibility = deskSide
    ? [
        `<fieldset><legend>${say('web.tickets.comment.visibility')}</legend>`,
        `<label><input type="radio" name="visibility" value="public" checked> ${say('web.tickets.comment.public')}</label>`,
        `<label><input type="radio" name="visibility" value="internal"> ${say('web.tickets.comment.internal')}</label>`,
        '</fieldset>',
      ].join('')
    : '';
  return [
    '<section aria-labelledby="comment-heading">',
    `<h2 id="comment-heading">${deskSide ? say('web.tickets.comment.deskHeading') : say('web.tickets.comment.heading')}</h2>`,
    actionForm(
      request,
      actionPath(ticket, 'comment'),
      deskSide ? {} : { visibility: 'public' },
      [
        `<label for="comment-body">${say('web.tickets.comment.body')}</label>`,
        '<textarea id="comment-body" name="body" rows="4" required maxlength="10000"></textarea>',
        visibility,
        button(say('web.tickets.comment.send')),
      ].join(''),
      { className: 'comment' },
    ),
    '</section>',
  ].join('');
}
