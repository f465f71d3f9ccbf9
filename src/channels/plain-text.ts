import { formatInTimeZone } from 'date-fns-tz';
import type { ButtonActionName } from '../app/action-steps.ts';
import type { OutgoingMessage } from '../app/messaging/message.ts';
import type { Locale } from '../domain/locale.ts';
import { translate, type Params } from '../i18n/translate.ts';

/** "2 h 5 min" in the reader's language. */
export function formatDuration(ms: number, locale: Locale): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return translate(locale, 'notify.duration.minutes', { minutes: rest });
  if (rest === 0) return translate(locale, 'notify.duration.hours', { hours });
  return translate(locale, 'notify.duration.hoursMinutes', { hours, minutes: rest });
}

/** "1 h 20 min left", "20 min late", or "-" for a clock that is not running. */
export function left(ms: number | undefined, locale: Locale): string {
  if (ms === undefined) return '-';
  if (ms >= 0) return translate(locale, 'notify.left', { duration: formatDuration(ms, locale) });
  return translate(locale, 'notify.late', { duration: formatDuration(-ms, locale) });
}

/**
 * A message's parameters as words, for channels that show plain text (the log, the web-hook's
 * `text`, a test channel) and as the fallback text richer channels send beside their layout:
 * instants in the organisation's time zone, durations in the reader's units.
 */
export function plainParams({ params, locale, timeZone }: OutgoingMessage): Params {
  const when = (date: Date | undefined) =>
    date ? formatInTimeZone(date, timeZone, 'yyyy-MM-dd HH:mm') : '-';
  const duration = (ms: number | undefined) => (ms === undefined ? '-' : formatDuration(ms, locale));
  const nobody = translate(locale, 'notify.nobody');
  return {
    id: params.ticketId,
    title: params.title,
    organisation: params.organisation,
    priority: params.priority,
    status: translate(locale, `statuses.${params.status}`),
    requestedPriority: params.requestedPriority ?? '-',
    previousPriority: params.previousPriority ?? '-',
    responseDue: when(params.responseDue),
    resolutionDue: when(params.resolutionDue),
    opensAt: when(params.opensAt),
    responseLeft: left(params.responseLeftMs, locale),
    resolutionLeft: left(params.resolutionLeftMs, locale),
    assignee: params.assignee ?? nobody,
    actor: params.actor ?? nobody,
    requester: params.requester ?? '-',
    dueAt: when(params.dueAt),
    lateBy: duration(params.lateByMs),
    level: params.level ?? 0,
    totalEffort: duration(params.totalEffortMs),
    estimate: duration(params.estimateMs),
    count: params.count ?? 0,
    comment: params.comment ?? '',
    reason: params.reason ?? '',
  };
}

/** The whole message as one line of plain text in the reader's language. */
export function plainText(message: OutgoingMessage): string {
  return translate(message.locale, `notify.${message.key}`, plainParams(message));
}

/** A button's label in the reader's language. */
export const buttonLabel = (locale: Locale, action: ButtonActionName): string =>
  translate(locale, `buttons.${action}`);

/** How one channel writes what people wrote (escaped for its markup) and an instant (its tokens). */
export interface Wording {
  text(value: string): string;
  instant(at: Date, timeZone: string): string;
}

/** A message's parameters as one channel says them: words escaped, instants its own way. */
export function wordedParams(message: OutgoingMessage, wording: Wording): Params {
  const escaped = Object.fromEntries(
    Object.entries(plainParams(message)).map(([name, value]) => [
      name,
      typeof value === 'string' ? wording.text(value) : value,
    ]),
  );
  const { params, timeZone } = message;
  const when = (at: Date | undefined) => (at ? wording.instant(at, timeZone) : '-');
  return {
    ...escaped,
    responseDue: when(params.responseDue),
    resolutionDue: when(params.resolutionDue),
    dueAt: when(params.dueAt),
    opensAt: when(params.opensAt),
  };
}

/**
 * A card's SLA state in business time, as it stood at the change ("response due 14:00 · 1 h 20 min
 * left"), for each running clock; undefined when none runs. The card is not redrawn every minute,
 * so it says when that was true.
 */
export function slaWords(message: OutgoingMessage, wording: Wording): string | undefined {
  const { params, locale, timeZone } = message;
  const clocks = [
    ['response', params.responseDue, params.responseLeftMs],
    ['resolution', params.resolutionDue, params.resolutionLeftMs],
  ] as const;
  const parts = clocks
    .filter(([, due, ms]) => due !== undefined && ms !== undefined)
    .map(([clock, due, ms]) =>
      translate(locale, `notify.sla.${clock}`, {
        at: wording.instant(due!, timeZone),
        left: wording.text(left(ms, locale)),
      }),
    );
  if (parts.length === 0) return undefined;
  const asOf = translate(locale, 'notify.sla.note', { at: wording.instant(message.event.at, timeZone) });
  return `${parts.join('  ·  ')}  (${asOf})`;
}

/** The escalation a card's ticket has reached, and whether it was acknowledged; undefined before any. */
export function escalationState(
  message: OutgoingMessage,
): { level: number; acknowledged: boolean } | undefined {
  const escalation = message.params.escalation;
  if (!escalation) return undefined;
  return { level: escalation.level, acknowledged: escalation.acknowledged >= escalation.level };
}
