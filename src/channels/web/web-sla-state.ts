import { overviewTicket } from '../../app/chat/desk-overview.ts';
import type { Contract } from '../../domain/sla/contract.ts';
import { slaStanding } from '../../domain/tickets/sla-clock.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { Locale } from '../../i18n/translate.ts';
import { formatDuration } from '../plain-text.ts';
import { timeHtml } from './web-time.ts';
import { wordsIn } from './web-layout.ts';

export type SlaStateKind = 'late' | 'risk' | 'ok' | 'paused' | 'met';

export interface SlaState {
  kind: SlaStateKind;
  /** The running clock nearest its deadline, with the business time left (negative: late by). */
  next?: { clock: 'response' | 'resolution'; at: Date; leftMs: number };
}

/**
 * Where a ticket stands against its SLA now, from the desk's own overview (late, next deadline)
 * and the contract's business time left. "At risk" starts where the desk reminds the assignee
 * (the contract's reminder share of the target), so the page and the reminder agree.
 */
export function slaStateOf(ticket: Ticket, contract: Contract, timeZone: string, now: Date): SlaState {
  const overview = overviewTicket(ticket, timeZone, now);
  const standing = slaStanding(ticket, contract, now);
  const due = overview.nextDue;
  const leftMs = due
    ? due.clock === 'response'
      ? standing.responseLeftMs
      : standing.resolutionLeftMs
    : undefined;
  const next = due && leftMs !== undefined ? { ...due, leftMs } : undefined;
  if (overview.responseBreached || overview.resolutionBreached)
    return { kind: 'late', ...(next ? { next } : {}) };
  if (next) {
    const target = contract.priority(ticket.priority);
    const minutes = next.clock === 'response' ? target.responseMinutes : target.resolutionMinutes;
    const remindAfter = (minutes ?? 0) * 60_000 * (1 - contract.terms.escalation.reminderAt);
    return { kind: next.leftMs <= remindAfter ? 'risk' : 'ok', next };
  }
  return { kind: ticket.status === 'waiting_on_customer' ? 'paused' : 'met' };
}

/** The state in words (never colour alone), with the time left and the deadline. */
export function slaStateHtml(state: SlaState, locale: Locale, timeZone: string): string {
  const say = wordsIn(locale);
  const label = {
    late: say('web.tickets.sla.late'),
    risk: say('web.tickets.sla.risk'),
    ok: say('web.tickets.sla.ok'),
    paused: say('web.tickets.sla.paused'),
    met: say('web.tickets.sla.met'),
  }[state.kind];
  const cssClass = state.kind === 'late' ? 'sla-late' : state.kind === 'risk' ? 'sla-risk' : 'sla-ok';
  if (!state.next) return `<span class="${cssClass}">${label}</span>`;
  const { leftMs, at, clock } = state.next;
  const time =
    leftMs >= 0
      ? say('web.tickets.sla.left', { duration: formatDuration(leftMs, locale) })
      : say('web.tickets.sla.lateBy', { duration: formatDuration(-leftMs, locale) });
  const clockName =
    clock === 'response' ? say('web.tickets.sla.response') : say('web.tickets.sla.resolution');
  return [
    `<span class="${cssClass}">${label}</span>`,
    `<span class="sla-detail">${clockName}: ${time}`,
    ` (${say('web.tickets.sla.due')} ${timeHtml(at, timeZone)})</span>`,
  ].join(' ');
}
