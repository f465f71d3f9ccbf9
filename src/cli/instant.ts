import { formatInTimeZone } from 'date-fns-tz';
import { z } from 'zod';
import { instantOfWallTime } from '../domain/sla/zone-offsets.ts';

const isoDateTime = z.iso.datetime({ offset: true, local: true });
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * An ISO-8601 date-time from a person or a script. With an offset (or Z) it is that instant;
 * without one it is wall-clock time in `timeZone`, as a service manager reading the contract means it.
 * Undefined when the text is not a real date-time (wrong form, 30 February, …).
 */
export function parseInstant(text: string, timeZone: string): Date | undefined {
  if (!isoDateTime.safeParse(text).success) return undefined;
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendarDay = new Date(Date.UTC(y, m - 1, d));
  if (calendarDay.getUTCMonth() !== m - 1 || calendarDay.getUTCDate() !== d) return undefined;
  const instant = HAS_OFFSET.test(text)
    ? new Date(text)
    : new Date(instantOfWallTime(timeZone, Date.parse(`${text}Z`)));
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** The instant as ISO-8601 with the calendar's own offset, e.g. 2026-11-17T14:00:00+01:00. */
export function formatInstant(instant: Date, timeZone: string): string {
  const pattern =
    instant.getMilliseconds() === 0 ? "yyyy-MM-dd'T'HH:mm:ssXXX" : "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
  return formatInTimeZone(instant, timeZone, pattern);
}
