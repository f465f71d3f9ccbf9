import {
  WEEKDAYS,
  type CalendarRules,
  type HolidayLookup,
  type OpeningInterval,
  type Weekday,
} from './calendar-rules.ts';
import { instantsShowingWallTime, type OffsetSegment } from './zone-offsets.ts';

/** One stretch of open time, as UTC epoch milliseconds [start, end). */
export interface OpenSpan {
  start: number;
  end: number;
}

export type CalendarRuleProblem = 'badTime' | 'endsBeforeStart' | 'overlap' | 'neverOpen' | 'unknownTimeZone';

/** A calendar the engine cannot run; `problem` and `detail` let the edge say why in the user's language. */
export class CalendarRuleError extends Error {
  override name = 'CalendarRuleError';
  constructor(
    readonly problem: CalendarRuleProblem,
    readonly detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function checkHours(hours: readonly OpeningInterval[], where: string): void {
  let previousEnd = -1;
  for (const { from, to } of hours) {
    if (!HHMM.test(from) || !HHMM.test(to) || from === '24:00') {
      throw new CalendarRuleError('badTime', `${where} ${from}–${to}`);
    }
    if (minutesOf(to) <= minutesOf(from)) {
      throw new CalendarRuleError('endsBeforeStart', `${where} ${from}–${to}`);
    }
    if (minutesOf(from) < previousEnd) {
      throw new CalendarRuleError('overlap', `${where} ${from}–${to}`);
    }
    previousEnd = minutesOf(to);
  }
}

/** Rejects rules the engine could not answer from: bad times, overlaps, a week that never opens. */
export function checkCalendarRules(rules: CalendarRules): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: rules.timeZone });
  } catch {
    throw new CalendarRuleError('unknownTimeZone', rules.timeZone);
  }
  let opensSomeDay = false;
  for (const day of WEEKDAYS) {
    const hours = rules.week[day] ?? [];
    checkHours(hours, day);
    opensSomeDay ||= hours.length > 0;
  }
  if (!opensSomeDay) throw new CalendarRuleError('neverOpen', 'week');
  for (const rule of rules.shortDays ?? []) checkHours(rule.hours, rule.kind);
}

const DAY_MS = 86_400_000;
const JS_DAY_TO_WEEKDAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function isoDate(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

/**
 * Lists the open spans of one local calendar year, in order. The order of precedence is the
 * contracts': a closed day (holiday or listed date) beats everything, short days only shorten a day
 * the week table opens, and listed short dates beat the eve rule.
 */
export function openSpansOfYear(
  rules: CalendarRules,
  holidays: HolidayLookup,
  year: number,
  offsets: readonly OffsetSegment[],
): OpenSpan[] {
  const closedDates = new Set(rules.closedDates ?? []);
  const isHoliday = (date: string): boolean => holidays(Number(date.slice(0, 4))).has(date);
  const spans: OpenSpan[] = [];

  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += DAY_MS) {
    const date = isoDate(day);
    if (closedDates.has(date) || isHoliday(date)) continue;
    const hours = hoursOf(rules, date, JS_DAY_TO_WEEKDAY[new Date(day).getUTCDay()]!, () =>
      isHoliday(isoDate(day + DAY_MS)),
    );
    for (const { from, to } of hours) {
      // `day` is this date's midnight as if the wall clock were UTC; the offsets map it to instants.
      const wallFrom = day + minutesOf(from) * 60_000;
      const wallTo = day + minutesOf(to) * 60_000;
      for (const span of instantsShowingWallTime(offsets, wallFrom, wallTo)) {
        const last = spans[spans.length - 1];
        if (last && last.end >= span.start) last.end = Math.max(last.end, span.end);
        else spans.push(span);
      }
    }
  }
  return spans;
}

function hoursOf(
  rules: CalendarRules,
  date: string,
  weekday: Weekday,
  nextDayIsHoliday: () => boolean,
): readonly OpeningInterval[] {
  const weekly = rules.week[weekday] ?? [];
  if (weekly.length === 0) return weekly;
  for (const rule of rules.shortDays ?? []) {
    if (rule.kind === 'dates' && rule.dates.includes(date)) return rule.hours;
  }
  for (const rule of rules.shortDays ?? []) {
    if (rule.kind === 'dayBeforeHoliday' && nextDayIsHoliday()) return rule.hours;
  }
  return weekly;
}
