import { formatInTimeZone } from 'date-fns-tz';
import { instantOfWallTime } from '../domain/sla/zone-offsets.ts';

/**
 * ISO-8601 date and time of day, to the minute or finer: `2026-11-16T15:00`, `…T15:00:30.5`, with
 * an optional offset `Z`, `+01:00`, `+0100` or `+01`.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;

type Six = [number, number, number, number, number, number];
const within = (value: number, low: number, high: number) => value >= low && value <= high;

/**
 * An ISO-8601 date-time from a person or a script. With an offset (or Z) it is that instant;
 * without one it is wall-clock time in `timeZone`, as a service manager reading the contract means it.
 * Undefined when the text is not a real date-time (wrong form, 30 February, 24:00, …).
 */
export function parseInstant(text: string, timeZone: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map((part) => Number(part ?? 0)) as Six;
  const [fraction = '', zulu, sign, offsetHours = '0', offsetMinutes = '0'] = match.slice(7);
  const [oh, om] = [Number(offsetHours), Number(offsetMinutes)];
  if (!within(h, 0, 23) || !within(mi, 0, 59) || !within(s, 0, 59)) return undefined;
  if (!within(oh, 0, 23) || !within(om, 0, 59)) return undefined;
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as they are.
  const wall = new Date(0);
  wall.setUTCFullYear(y, mo - 1, d);
  if (wall.getUTCMonth() !== mo - 1 || wall.getUTCDate() !== d) return undefined;
  wall.setUTCHours(h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  if (zulu || sign) return new Date(wall.getTime() - (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000);
  return new Date(instantOfWallTime(timeZone, wall.getTime()));
}

/** The instant as ISO-8601 with the calendar's own offset, e.g. 2026-11-17T14:00:00+01:00. */
export function formatInstant(instant: Date, timeZone: string): string {
  const pattern =
    instant.getMilliseconds() === 0 ? "yyyy-MM-dd'T'HH:mm:ssXXX" : "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
  return formatInTimeZone(instant, timeZone, pattern);
}
