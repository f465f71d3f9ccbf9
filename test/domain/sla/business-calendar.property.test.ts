import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/contracts/presets.ts';
import { BusinessCalendar } from '../../../src/domain/sla/business-calendar.ts';
import type {
  CalendarRules,
  HolidayLookup,
  OpeningInterval,
  Weekday,
} from '../../../src/domain/sla/calendar-rules.ts';
import {
  referenceDue,
  referenceElapsedMinutes,
  referenceHolidayLookup,
  referenceIsOpen,
} from '../../support/minute-reference.ts';

const MINUTE = 60_000;
const FROM = Date.UTC(2025, 11, 25);
const TO = Date.UTC(2028, 0, 5);
const noHolidays: HolidayLookup = () => new Set();
const swedish = referenceHolidayLookup({ country: 'SE', closedTypes: ['public'] });

/** Zones with northern and southern DST, half- and quarter-hour offsets, and none at all. */
const ZONES = [
  'Europe/Stockholm',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'UTC',
];
const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const clock = (minutes: number) =>
  minutes === 1440
    ? '24:00'
    : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** 0–2 intervals on a quarter-hour grid, anywhere in the day (DST hours included). */
const dayHours = fc
  .uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 4 })
  .map((marks) => {
    const sorted = [...marks].sort((a, b) => a - b);
    const hours: OpeningInterval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2)
      hours.push({ from: clock(sorted[i]! * 15), to: clock(sorted[i + 1]! * 15) });
    return hours;
  });

const calendars = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    hours: fc.array(dayHours, { minLength: 7, maxLength: 7 }),
    swedishHolidays: fc.boolean(),
    eve: fc.option(
      dayHours.filter((h) => h.length > 0),
      { nil: undefined },
    ),
  })
  .map(({ timeZone, hours, swedishHolidays, eve }): { rules: CalendarRules; holidays: HolidayLookup } => {
    const week = Object.fromEntries(DAYS.map((day, i) => [day, hours[i]!])) as CalendarRules['week'];
    if (!Object.values(week).some((h) => h.length > 0)) week.wed = [{ from: '09:00', to: '10:00' }];
    return {
      rules: {
        timeZone,
        week,
        ...(swedishHolidays ? { holidays: { country: 'SE', closedTypes: ['public'] } } : {}),
        ...(eve ? { shortDays: [{ kind: 'dayBeforeHoliday' as const, hours: eve }] } : {}),
      },
      holidays: swedishHolidays ? swedish : noHolidays,
    };
  });

/** Whole minutes, with extra weight on DST weekends, Easter, midsummer and the year end. */
const instants = fc.oneof(
  fc.integer({ min: FROM / MINUTE, max: TO / MINUTE }).map((m) => m * MINUTE),
  fc
    .tuple(
      fc.constantFrom(
        '2026-03-28',
        '2026-03-29',
        '2026-04-02',
        '2026-04-05',
        '2026-06-19',
        '2026-10-04',
        '2026-10-25',
        '2026-11-01',
        '2026-12-31',
        '2027-03-28',
      ),
      fc.integer({ min: -36 * 60, max: 36 * 60 }),
    )
    .map(([date, minutes]) => Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE),
);

describe('the engine agrees with the minute-stepping reference', () => {
  // A fixed number of cases against a slow reference: seconds alone, more on a busy machine.
  it('on deadlines, openness and elapsed time for random calendars, zones and instants', () => {
    fc.assert(
      fc.property(
        calendars,
        instants,
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 3 * 1440 }),
        ({ rules, holidays }, start, minutes, span) => {
          const engine = new BusinessCalendar(rules, holidays);
          expect(new Date(engine.addBusinessMs(start, minutes * MINUTE)).toISOString()).toBe(
            new Date(referenceDue(rules, holidays, start, minutes)).toISOString(),
          );
          expect(engine.isOpenAt(start)).toBe(referenceIsOpen(rules, holidays, start));
          expect(engine.businessMsBetween(start, start + span * MINUTE) / MINUTE).toBe(
            referenceElapsedMinutes(rules, holidays, start, start + span * MINUTE),
          );
        },
      ),
      { numRuns: 150 },
    );
  }, 90_000);
});

describe('laws of the clock on the seed contracts', () => {
  const presets = fc.constantFrom(
    ...Object.values(PRESETS).map((p) => new BusinessCalendar(p.calendar, swedish)),
  );
  const anyInstant = fc.integer({ min: FROM, max: TO });
  const duration = fc.integer({ min: 0, max: 40 * 3_600_000 });

  it('measures back exactly the duration it added, to the millisecond', () => {
    fc.assert(
      fc.property(presets, anyInstant, duration, (calendar, start, ms) => {
        expect(calendar.businessMsBetween(start, calendar.addBusinessMs(start, ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives an earlier deadline for a longer duration, nor one before the start', () => {
    fc.assert(
      fc.property(presets, anyInstant, duration, duration, (calendar, start, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(calendar.addBusinessMs(start, short)).toBeLessThanOrEqual(calendar.addBusinessMs(start, long));
        expect(calendar.addBusinessMs(start, short)).toBeGreaterThanOrEqual(start);
      }),
      { numRuns: 2000 },
    );
  });

  it('adds in steps the same as at once', () => {
    fc.assert(
      fc.property(presets, anyInstant, duration, duration, (calendar, start, a, b) => {
        fc.pre(a > 0);
        expect(calendar.addBusinessMs(calendar.addBusinessMs(start, a), b)).toBe(
          calendar.addBusinessMs(start, a + b),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
