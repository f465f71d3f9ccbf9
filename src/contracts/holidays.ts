import Holidays from 'date-holidays';
import type { HolidayLookup, HolidayRule } from '../domain/sla/calendar-rules.ts';

export class UnknownHolidayCountryError extends Error {
  override name = 'UnknownHolidayCountryError';
  constructor(readonly country: string) {
    super(`date-holidays does not know country "${country}"`);
  }
}

/** The closing holidays of a country, as date-holidays knows them, one year at a time. */
export function dateHolidaysLookup(rule: HolidayRule): HolidayLookup {
  const source = rule.region ? new Holidays(rule.country, rule.region) : new Holidays(rule.country);
  if (!source.getCountries()[rule.country.toUpperCase()] || !source.getHolidays(2000).length) {
    throw new UnknownHolidayCountryError(rule.country);
  }
  const closing = new Set(rule.closedTypes);
  const byYear = new Map<number, ReadonlySet<string>>();
  return (year) => {
    let dates = byYear.get(year);
    if (!dates) {
      dates = new Set(
        source
          .getHolidays(year)
          .filter((h) => closing.has(h.type))
          .map((h) => h.date.slice(0, 10)),
      );
      byYear.set(year, dates);
    }
    return dates;
  };
}

/** A calendar with no holiday rule closes on no holiday. */
export const noHolidays: HolidayLookup = () => new Set();
