import { formatInTimeZone } from 'date-fns-tz';
import type { BusinessCalendar } from './business-calendar.ts';
import { instantOfWallTime } from './zone-offsets.ts';

const DAY_MS = 86_400_000;
const nextDate = (date: string): string => new Date(Date.parse(date) + DAY_MS).toISOString().slice(0, 10);

/**
 * The end (local midnight) of the `days`-th open day after the local day of `at`: "closes after N
 * business days of silence" counts whole days the desk was open, not hours.
 */
export function endOfOpenDaysAfter(calendar: BusinessCalendar, at: Date, days: number): Date {
  const zone = calendar.rules.timeZone;
  const midnight = (date: string) => new Date(instantOfWallTime(zone, Date.parse(`${date}T00:00:00Z`)));
  let date = formatInTimeZone(at, zone, 'yyyy-MM-dd');
  for (let found = 0; found < days;) {
    date = nextDate(date);
    const open = calendar.businessTimeBetween(midnight(date), midnight(nextDate(date)));
    if (open > 0) found++;
  }
  return midnight(nextDate(date));
}
