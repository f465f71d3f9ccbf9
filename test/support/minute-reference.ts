/**
 * A deliberately slow, obviously correct business-calendar reference, for checking the engine.
 *
 * It shares nothing with the engine but the rule types: it asks `Intl.DateTimeFormat` for the
 * local wall-clock time of an instant, looks that local date up in the week table, the closed
 * dates, the closing holidays and the short-day rules, and says whether that wall-clock time lies
 * in one of the day's opening intervals. Deadlines and elapsed time are then found by stepping one
 * minute at a time and asking that question once per minute. Nothing is clever; the only cache is
 * the list of opening intervals per local date, which is a pure function of the date.
 *
 * Assumptions, which hold for every real time zone since 1972 and for the rules the engine accepts:
 * UTC offsets are whole minutes and opening times are "HH:mm", so an instant on a whole UTC minute
 * is on a whole local minute and a one-minute step [t, t + 60 s) is either wholly open or wholly
 * closed. The functions that step therefore require whole-minute instants.
 *
 * Semantics (the contract's words, made precise):
 * - an instant is open when its local time of day t satisfies from <= t < to for an interval of its
 *   local date (so 17:00 itself is closed on a 08:00–17:00 day, 08:00 is open);
 * - a date is closed (no hours) when it is listed in `closedDates` or is a closing holiday;
 * - otherwise a date that the week table opens gets short hours when a `dates` short-day rule lists
 *   it (first such rule wins) or else when a `dayBeforeHoliday` rule exists and the next local
 *   calendar date is a closing holiday according to the HolidayLookup (not `closedDates`);
 * - otherwise it has the week table's hours for its weekday.
 * On the day clocks change, the wall-clock hours are what count: a 02:00–03:00 interval is empty on
 * the spring-forward day and twice as long on the fall-back day.
 */
import Holidays from 'date-holidays';
import type {
  CalendarRules,
  HolidayLookup,
  HolidayRule,
  OpeningInterval,
} from '../../src/domain/sla/calendar-rules.ts';

const MINUTE_MS = 60_000;
/** Give up after this many steps (about 20 years of minutes): a calendar that never opens. */
const MAX_STEPS = 20 * 366 * 24 * 60;
/** Index = `Date.prototype.getUTCDay()` of the local date read as a UTC date. */
const WEEKDAY_BY_JS_DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A local wall-clock reading. */
export interface WallClock {
  /** "YYYY-MM-DD" */
  date: string;
  /** Seconds since local midnight by the wall clock (0 ≤ s < 86 400). */
  secondOfDay: number;
}

/** One opening interval of a day, in seconds since local midnight: [from, to). */
interface DayInterval {
  from: number;
  to: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date and time of day of an instant in a time zone, as Intl reports it. */
export function wallClock(timeZone: string, ms: number): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const { year, month, day, hour, minute, second } = parts;
  if (!year || !month || !day || !hour || !minute || !second) {
    throw new Error(`Intl gave an incomplete date for ${new Date(ms).toISOString()} in ${timeZone}`);
  }
  return {
    date: `${year.padStart(4, '0')}-${month}-${day}`,
    secondOfDay: Number(hour) * 3600 + Number(minute) * 60 + Number(second),
  };
}

function secondsOf(hhmm: string): number {
  const m = /^(\d\d):(\d\d)$/.exec(hhmm);
  if (!m) throw new Error(`bad time "${hhmm}"`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60;
}

function toDayIntervals(hours: readonly OpeningInterval[]): DayInterval[] {
  return hours.map(({ from, to }) => ({ from: secondsOf(from), to: secondsOf(to) }));
}

/** The calendar date after a "YYYY-MM-DD" date (pure date arithmetic, no time zone involved). */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): (typeof WEEKDAY_BY_JS_DAY)[number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wd = WEEKDAY_BY_JS_DAY[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  if (!wd) throw new Error(`bad date "${date}"`);
  return wd;
}

function isClosingHoliday(holidays: HolidayLookup, date: string): boolean {
  return holidays(Number(date.slice(0, 4))).has(date);
}

/**
 * The opening hours of one local date, from the rules alone (no caching). Exported so a test can
 * show which hours the reference believes a date has.
 */
export function referenceHoursOf(
  rules: CalendarRules,
  holidays: HolidayLookup,
  date: string,
): OpeningInterval[] {
  const weekHours = rules.week[weekdayOf(date)] ?? [];
  if (weekHours.length === 0) return [];
  if ((rules.closedDates ?? []).includes(date)) return [];
  if (isClosingHoliday(holidays, date)) return [];
  const shortDays = rules.shortDays ?? [];
  for (const rule of shortDays) {
    if (rule.kind === 'dates' && rule.dates.includes(date)) return rule.hours;
  }
  for (const rule of shortDays) {
    if (rule.kind === 'dayBeforeHoliday' && isClosingHoliday(holidays, nextDate(date))) return rule.hours;
  }
  return weekHours;
}

const dayCache = new WeakMap<CalendarRules, WeakMap<HolidayLookup, Map<string, DayInterval[]>>>();

function dayIntervals(rules: CalendarRules, holidays: HolidayLookup, date: string): DayInterval[] {
  let byLookup = dayCache.get(rules);
  if (!byLookup) {
    byLookup = new WeakMap();
    dayCache.set(rules, byLookup);
  }
  let byDate = byLookup.get(holidays);
  if (!byDate) {
    byDate = new Map();
    byLookup.set(holidays, byDate);
  }
  let intervals = byDate.get(date);
  if (!intervals) {
    intervals = toDayIntervals(referenceHoursOf(rules, holidays, date));
    byDate.set(date, intervals);
  }
  return intervals;
}

/** Is the desk open at this instant? */
export function referenceIsOpen(rules: CalendarRules, holidays: HolidayLookup, ms: number): boolean {
  const { date, secondOfDay } = wallClock(rules.timeZone, ms);
  return dayIntervals(rules, holidays, date).some((iv) => iv.from <= secondOfDay && secondOfDay < iv.to);
}

function requireWholeMinute(name: string, ms: number): void {
  if (!Number.isInteger(ms) || ms % MINUTE_MS !== 0) {
    throw new Error(`${name} must be on a whole minute (got ${ms}, ${new Date(ms).toISOString()})`);
  }
}

/** The first instant ≥ ms at which the desk is open (ms itself when open). */
export function referenceNextOpening(rules: CalendarRules, holidays: HolidayLookup, ms: number): number {
  if (referenceIsOpen(rules, holidays, ms)) return ms;
  // Openings fall on whole minutes, so the next one is a whole minute after ms.
  let t = Math.floor(ms / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (let steps = 0; steps < MAX_STEPS; steps++, t += MINUTE_MS) {
    if (referenceIsOpen(rules, holidays, t)) return t;
  }
  throw new Error('the calendar does not open within 20 years');
}

/**
 * The instant at which `minutes` open minutes have elapsed from `startMs` (a whole minute): the end
 * of the `minutes`-th open minute at or after the start. A start outside hours thus counts from the
 * next opening, and a duration that runs out exactly at closing ends at closing. For 0 minutes the
 * answer is the next opening at or after the start (nothing elapses, the clock starts there).
 */
export function referenceDue(
  rules: CalendarRules,
  holidays: HolidayLookup,
  startMs: number,
  minutes: number,
): number {
  requireWholeMinute('start', startMs);
  if (!Number.isInteger(minutes) || minutes < 0)
    throw new Error(`minutes must be a whole number ≥ 0 (got ${minutes})`);
  if (minutes === 0) return referenceNextOpening(rules, holidays, startMs);
  let counted = 0;
  let t = startMs;
  for (let steps = 0; steps < MAX_STEPS; steps++, t += MINUTE_MS) {
    if (referenceIsOpen(rules, holidays, t)) {
      counted++;
      if (counted === minutes) return t + MINUTE_MS;
    }
  }
  throw new Error('the duration does not elapse within 20 years');
}

/** The number of open minutes in [aMs, bMs) (both whole minutes); negative when b is before a. */
export function referenceElapsedMinutes(
  rules: CalendarRules,
  holidays: HolidayLookup,
  aMs: number,
  bMs: number,
): number {
  requireWholeMinute('a', aMs);
  requireWholeMinute('b', bMs);
  if (bMs < aMs) return -referenceElapsedMinutes(rules, holidays, bMs, aMs);
  let counted = 0;
  for (let t = aMs; t < bMs; t += MINUTE_MS) {
    if (referenceIsOpen(rules, holidays, t)) counted++;
  }
  return counted;
}

/**
 * A HolidayLookup of its own, straight from date-holidays (so a bug in the project's lookup does not
 * hide behind the reference): every local date covered by a holiday of a closing type. A holiday
 * spanning several days (none in SE) covers each of its dates.
 */
export function referenceHolidayLookup(rule: HolidayRule): HolidayLookup {
  const hd = rule.region ? new Holidays(rule.country, rule.region) : new Holidays(rule.country);
  const closing = new Set(rule.closedTypes);
  const years = new Map<number, ReadonlySet<string>>();
  return (year) => {
    let dates = years.get(year);
    if (!dates) {
      const set = new Set<string>();
      for (const h of hd.getHolidays(year)) {
        if (!closing.has(h.type)) continue;
        let date = h.date.slice(0, 10);
        const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
        for (let i = 0; i < days; i++, date = nextDate(date)) set.add(date);
      }
      dates = set;
      years.set(year, dates);
    }
    return dates;
  };
}
