import type { TicketEvent, TicketEventType } from '../../domain/tickets/events.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import { translate, type Locale } from '../../i18n/translate.ts';
import { formatDuration } from '../plain-text.ts';
import { escapeHtml } from './web-html.ts';
import { wordsIn } from './web-layout.ts';
import { timeHtml } from './web-time.ts';

export interface HistoryInput {
  /** The ticket as the reader may see it (a customer's has no internal notes). */
  ticket: Ticket;
  /** The events as the reader may see them (`ticketHistory`). */
  events: readonly TicketEvent[];
  names: Map<string, string>;
  timeZone: string;
  locale: Locale;
}

/** Each event's words, named in full so that the locale test finds every key. */
const EVENT_WORDS: Record<TicketEventType, string> = {
  opened: 'web.tickets.history.events.opened',
  claimed: 'web.tickets.history.events.claimed',
  assigned: 'web.tickets.history.events.assigned',
  commented: 'web.tickets.history.events.commented',
  priority_changed: 'web.tickets.history.events.priority_changed',
  work_started: 'web.tickets.history.events.work_started',
  waiting_on_customer: 'web.tickets.history.events.waiting_on_customer',
  resumed: 'web.tickets.history.events.resumed',
  resolved: 'web.tickets.history.events.resolved',
  accepted: 'web.tickets.history.events.accepted',
  reopened: 'web.tickets.history.events.reopened',
  closed: 'web.tickets.history.events.closed',
  effort_logged: 'web.tickets.history.events.effort_logged',
  effort_threshold_passed: 'web.tickets.history.events.effort_threshold_passed',
  billable_flagged: 'web.tickets.history.events.billable_flagged',
  billable_approved: 'web.tickets.history.events.billable_approved',
  linked_to_problem: 'web.tickets.history.events.linked_to_problem',
  incident_linked: 'web.tickets.history.events.incident_linked',
  reminder: 'web.tickets.history.events.reminder',
  escalated: 'web.tickets.history.events.escalated',
  escalation_acknowledged: 'web.tickets.history.events.escalation_acknowledged',
  alert_repeated: 'web.tickets.history.events.alert_repeated',
};

const CLOCK_WORDS = {
  response: 'web.tickets.sla.response',
  resolution: 'web.tickets.sla.resolution',
} as const;

/** What happened, in words; the parameters each event type's message names. */
function eventText(event: TicketEvent, input: HistoryInput): string {
  const name = (id: string | undefined) => (id ? (input.names.get(id) ?? id) : '-');
  const who = event.actorId ? name(event.actorId) : translate(input.locale, 'web.tickets.history.desk');
  const params: Record<string, string | number> = { who };
  switch (event.type) {
    case 'claimed':
    case 'assigned':
      params.assignee = name(event.assigneeId);
      break;
    case 'priority_changed':
      params.from = event.from;
      params.to = event.to;
      break;
    case 'reopened':
      params.reason = event.reason ?? '-';
      break;
    case 'effort_logged':
      params.duration = formatDuration(event.minutes * 60_000, input.locale);
      params.total = formatDuration(event.totalMinutes * 60_000, input.locale);
      break;
    case 'effort_threshold_passed':
      params.total = formatDuration(event.totalMinutes * 60_000, input.locale);
      break;
    case 'billable_flagged':
    case 'billable_approved':
      params.estimate = formatDuration(event.estimateMinutes * 60_000, input.locale);
      break;
    case 'linked_to_problem':
      params.ticket = event.problemId;
      break;
    case 'incident_linked':
      params.ticket = event.incidentId;
      break;
    case 'reminder':
    case 'escalated':
      params.clock = translate(input.locale, CLOCK_WORDS[event.clock]);
      if (event.type === 'escalated') params.level = event.level;
      break;
    case 'escalation_acknowledged':
      params.level = event.level;
      break;
    case 'alert_repeated':
      params.count = event.count;
      break;
    default:
      break;
  }
  return escapeHtml(translate(input.locale, EVENT_WORDS[event.type], params));
}

/**
 * The ticket's history, oldest first: its events, each comment's text where it was written.
 * Internal notes are marked in words and by class, never by colour alone.
 */
export function historyHtml(input: HistoryInput): string {
  const say = wordsIn(input.locale);
  const comments = new Map(input.ticket.comments.map((c) => [c.id, c]));
  const items = input.events.map((event) => {
    const when = timeHtml(event.at, input.timeZone);
    if (event.type === 'commented') {
      const comment = comments.get(event.commentId);
      // A comment the reader may not see has no event in their history either; this is belt and braces.
      if (!comment) return '';
      const internal = comment.visibility === 'internal';
      const label = internal
        ? `<strong class="badge internal-label">${say('web.tickets.history.internal')}</strong> `
        : '';
      const author = escapeHtml(input.names.get(comment.authorId) ?? comment.authorId);
      return [
        `<li class="entry comment${internal ? ' internal' : ''}">`,
        `<p class="meta">${label}${author} · ${when}</p>`,
        `<p>${escapeHtml(comment.body).replace(/\n/g, '<br>')}</p>`,
        '</li>',
      ].join('');
    }
    return `<li class="entry event"><p><span class="meta">${when}</span> ${eventText(event, input)}</p></li>`;
  });
  return [
    '<section id="history" data-live aria-labelledby="history-heading">',
    `<h2 id="history-heading">${say('web.tickets.history.heading')}</h2>`,
    `<ol class="history">${items.join('')}</ol>`,
    '</section>',
  ].join('');
}

/** The escalation steps taken: levels reached on which clock and when, and who acknowledged them. */
export function escalationsHtml(input: HistoryInput): string {
  const say = wordsIn(input.locale);
  const rows = input.events
    .filter((e) => e.type === 'escalated' || e.type === 'escalation_acknowledged')
    .map((event) => {
      const when = timeHtml(event.at, input.timeZone);
      if (event.type === 'escalated') {
        const clock = say(CLOCK_WORDS[event.clock]);
        const late = formatDuration(Math.max(event.lateByMs, 0), input.locale);
        return `<tr><td>${when}</td><td>${say('web.tickets.escalation.level', { level: event.level })}</td><td>${say('web.tickets.escalation.reached', { clock, late })}</td></tr>`;
      }
      if (event.type !== 'escalation_acknowledged') return '';
      const who = escapeHtml(event.actorId ? (input.names.get(event.actorId) ?? event.actorId) : '-');
      return `<tr><td>${when}</td><td>${say('web.tickets.escalation.level', { level: event.level })}</td><td>${say('web.tickets.escalation.acknowledgedBy', { who })}</td></tr>`;
    });
  const { escalationLevel, acknowledgedLevel } = input.ticket.sla;
  const col = (key: string) => `<th scope="col">${say(key)}</th>`;
  return [
    '<section id="escalation" data-live aria-labelledby="escalation-heading">',
    `<h2 id="escalation-heading">${say('web.tickets.escalation.heading')}</h2>`,
    `<p>${say('web.tickets.escalation.standing', { level: escalationLevel, acknowledged: acknowledgedLevel })}</p>`,
    rows.length > 0
      ? [
          '<table class="escalations">',
          `<caption class="visually-hidden">${say('web.tickets.escalation.caption')}</caption>`,
          `<thead><tr>${col('web.tickets.escalation.when')}${col('web.tickets.escalation.step')}${col('web.tickets.escalation.what')}</tr></thead>`,
          `<tbody>${rows.join('')}</tbody></table>`,
        ].join('')
      : `<p>${say('web.tickets.escalation.none')}</p>`,
    '</section>',
  ].join('');
}
