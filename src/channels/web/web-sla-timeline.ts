import { overviewTicket } from '../../app/chat/desk-overview.ts';
import type { Contract } from '../../domain/sla/contract.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import { isOpen, type Ticket } from '../../domain/tickets/ticket.ts';
import type { Locale } from '../../i18n/translate.ts';
import { formatDuration } from '../plain-text.ts';
import { wordsIn } from './web-layout.ts';
import { localTime, timeHtml } from './web-time.ts';

type ClockName = 'response' | 'resolution';
type ClockState = 'breached' | 'met' | 'paused' | 'running';

const STATE_WORDS: Record<ClockState, string> = {
  breached: 'web.tickets.sla.state.breached',
  met: 'web.tickets.sla.state.met',
  paused: 'web.tickets.sla.state.paused',
  running: 'web.tickets.sla.state.running',
};

interface ClockRow {
  clock: ClockName;
  due?: Date;
  stoppedAt?: Date;
  state: ClockState;
}

export interface TimelineInput {
  ticket: Ticket;
  events: readonly TicketEvent[];
  contract: Contract;
  timeZone: string;
  now: Date;
  locale: Locale;
}

function clocksOf({ ticket, timeZone, now }: TimelineInput): ClockRow[] {
  const overview = overviewTicket(ticket, timeZone, now);
  const stoppedResolution = isOpen(ticket) ? undefined : ticket.resolvedAt;
  const responseStopped = ticket.sla.firstResponseAt;
  return [
    {
      clock: 'response',
      due: ticket.sla.responseDue,
      ...(responseStopped ? { stoppedAt: responseStopped } : {}),
      state: overview.responseBreached ? 'breached' : responseStopped ? 'met' : 'running',
    },
    {
      clock: 'resolution',
      ...(ticket.sla.resolutionDue ? { due: ticket.sla.resolutionDue } : {}),
      ...(stoppedResolution ? { stoppedAt: stoppedResolution } : {}),
      state: overview.resolutionBreached
        ? 'breached'
        : !isOpen(ticket)
          ? 'met'
          : ticket.status === 'waiting_on_customer'
            ? 'paused'
            : 'running',
    },
  ];
}

const WIDTH = 640;
const LEFT = 120;
const RIGHT = 16;
const ROW_Y: Record<ClockName, number> = { response: 34, resolution: 74 };
const INK = '#1b1f24';
const LATE = '#a3122a';
const RUNNING = '#0b5cad';
const PAUSED_FILL = '#f5d28a';
const PAUSED_EDGE = '#8a4b00';

/** The clocks drawn against time: bars while they ran, paused spans, due lines, breach and escalation marks. */
function svg(input: TimelineInput, rows: ClockRow[], titleId: string): string {
  const say = wordsIn(input.locale);
  const { ticket, now } = input;
  const start = ticket.createdAt.getTime();
  const instants = [
    now.getTime(),
    ...rows.flatMap((r) => [r.due?.getTime() ?? start, r.stoppedAt?.getTime() ?? start]),
  ];
  const end = Math.max(...instants, start + 60_000);
  const x = (at: Date) =>
    (LEFT + ((at.getTime() - start) / (end - start)) * (WIDTH - LEFT - RIGHT)).toFixed(1);
  const parts: string[] = [];
  for (const row of rows) {
    const y = ROW_Y[row.clock];
    const name =
      row.clock === 'response' ? say('web.tickets.sla.response') : say('web.tickets.sla.resolution');
    parts.push(`<text x="4" y="${y + 4}" fill="${INK}" font-size="13">${name}</text>`);
    const until = row.stoppedAt ?? now;
    parts.push(
      `<line x1="${x(ticket.createdAt)}" y1="${y}" x2="${x(until)}" y2="${y}" stroke="${RUNNING}" stroke-width="8"/>`,
    );
    if (row.due) {
      const dx = x(row.due);
      const colour = row.state === 'breached' ? LATE : INK;
      parts.push(
        `<line x1="${dx}" y1="${y - 12}" x2="${dx}" y2="${y + 12}" stroke="${colour}" stroke-width="2" stroke-dasharray="3 2"/>`,
      );
      if (row.state === 'breached')
        parts.push(
          `<path d="M ${Number(dx) - 6} ${y - 22} l 12 0 l -6 8 z" fill="${LATE}"><title>${say('web.tickets.sla.state.breached')}</title></path>`,
        );
    }
  }
  for (const span of ticket.sla.paused) {
    const from = Number(x(span.from));
    const to = Number(x(span.to ?? now));
    const y = ROW_Y.resolution;
    parts.push(
      `<rect x="${from}" y="${y - 6}" width="${Math.max(to - from, 2).toFixed(1)}" height="12" fill="${PAUSED_FILL}" stroke="${PAUSED_EDGE}"><title>${say('web.tickets.sla.pausedSpan')}</title></rect>`,
    );
  }
  for (const event of input.events) {
    if (event.type !== 'escalated') continue;
    parts.push(
      `<circle cx="${x(event.at)}" cy="${ROW_Y[event.clock]}" r="5" fill="${LATE}" stroke="#ffffff"><title>${say('web.tickets.escalation.level', { level: event.level })}</title></circle>`,
    );
  }
  parts.push(`<line x1="${LEFT}" y1="98" x2="${WIDTH - RIGHT}" y2="98" stroke="${INK}"/>`);
  parts.push(
    `<text x="${LEFT}" y="114" fill="${INK}" font-size="11">${localTime(ticket.createdAt, input.timeZone)}</text>`,
    `<text x="${WIDTH - RIGHT}" y="114" fill="${INK}" font-size="11" text-anchor="end">${localTime(new Date(end), input.timeZone)}</text>`,
  );
  return [
    `<svg class="sla-timeline" viewBox="0 0 ${WIDTH} 120" width="100%" role="img" aria-labelledby="${titleId}">`,
    `<title id="${titleId}">${say('web.tickets.sla.timelineTitle')}</title>`,
    ...parts,
    '</svg>',
  ].join('');
}

/**
 * The ticket's SLA clocks on a timeline, for the desk, and the same in tables (clocks; paused
 * spans waiting on the customer) so that nothing is said by the drawing alone.
 */
export function slaTimelineHtml(input: TimelineInput): string {
  const say = wordsIn(input.locale);
  const { ticket, contract, timeZone, now } = input;
  const rows = clocksOf(input);
  const when = (at: Date | undefined, none: string) => (at ? timeHtml(at, timeZone) : none);
  const clockRows = rows
    .map((row) => {
      const name =
        row.clock === 'response' ? say('web.tickets.sla.response') : say('web.tickets.sla.resolution');
      const state = say(STATE_WORDS[row.state]);
      const cssClass = row.state === 'breached' ? ' class="sla-late"' : '';
      return [
        `<tr><th scope="row">${name}</th>`,
        `<td>${timeHtml(ticket.createdAt, timeZone)}</td>`,
        `<td>${when(row.due, say('web.tickets.sla.noTarget'))}</td>`,
        `<td>${when(row.stoppedAt, '-')}</td>`,
        `<td><span${cssClass}>${state}</span></td></tr>`,
      ].join('');
    })
    .join('');
  const pauses = ticket.sla.paused
    .map((span) => {
      const to = span.to ?? now;
      const business = formatDuration(contract.calendar.businessTimeBetween(span.from, to), input.locale);
      return [
        `<tr><td>${timeHtml(span.from, timeZone)}</td>`,
        `<td>${span.to ? timeHtml(span.to, timeZone) : say('web.tickets.sla.ongoing')}</td>`,
        `<td>${business}</td></tr>`,
      ].join('');
    })
    .join('');
  const col = (key: string) => `<th scope="col">${say(key)}</th>`;
  return [
    '<section id="sla" data-live aria-labelledby="sla-heading" class="sla">',
    `<h2 id="sla-heading">${say('web.tickets.sla.heading')}</h2>`,
    svg(input, rows, 'sla-timeline-title'),
    '<table class="sla-clocks">',
    `<caption>${say('web.tickets.sla.clocksCaption', { timeZone })}</caption>`,
    `<thead><tr>${col('web.tickets.sla.clock')}${col('web.tickets.sla.started')}${col('web.tickets.sla.dueAt')}${col('web.tickets.sla.stopped')}${col('web.tickets.sla.stateHeading')}</tr></thead>`,
    `<tbody>${clockRows}</tbody></table>`,
    pauses
      ? [
          '<table class="sla-pauses">',
          `<caption>${say('web.tickets.sla.pausesCaption')}</caption>`,
          `<thead><tr>${col('web.tickets.sla.from')}${col('web.tickets.sla.to')}${col('web.tickets.sla.businessTime')}</tr></thead>`,
          `<tbody>${pauses}</tbody></table>`,
        ].join('')
      : `<p>${say('web.tickets.sla.noPauses')}</p>`,
    '</section>',
  ].join('');
}
