/**
 * What a business calendar is made of, in the words of a support contract: weekly opening hours in
 * a time zone, days the desk is closed, and days with shorter hours. Plain data, so a contract file
 * can state it and a test can build it.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local wall-clock times, "HH:mm"; `to` may be "24:00" and must be after `from`. */
export interface OpeningInterval {
  from: string;
  to: string;
}

export interface HolidayRule {
  /** ISO 3166 country code as date-holidays knows it, e.g. "SE". */
  country: string;
  region?: string;
  /** date-holidays types that close the desk, e.g. ["public"]. */
  closedTypes: string[];
}

/**
 * Shorter hours on some working days. `dayBeforeHoliday`: a working day whose next calendar day is
 * a closing holiday (Stratiteq: "Dag före helgdag gäller 08:30-14:00"). `dates`: listed local dates.
 */
export type ShortDayRule =
  | { kind: 'dayBeforeHoliday'; hours: OpeningInterval[] }
  | { kind: 'dates'; dates: string[]; hours: OpeningInterval[] };

export interface CalendarRules {
  /** IANA time zone, e.g. "Europe/Stockholm". */
  timeZone: string;
  week: Partial<Record<Weekday, OpeningInterval[]>>;
  holidays?: HolidayRule;
  /** Extra closed local dates, "YYYY-MM-DD". */
  closedDates?: string[];
  shortDays?: ShortDayRule[];
}

/** The holidays that close the desk in one year, as local dates "YYYY-MM-DD". */
export type HolidayLookup = (year: number) => ReadonlySet<string>;
