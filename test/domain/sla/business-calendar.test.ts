import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/contracts/presets.ts';
import { dateHolidaysLookup, noHolidays } from '../../../src/contracts/holidays.ts';
import { BusinessCalendar } from '../../../src/domain/sla/business-calendar.ts';
import type { CalendarRules } from '../../../src/domain/sla/calendar-rules.ts';
import { CalendarRuleError } from '../../../src/domain/sla/opening-table.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const swedish = dateHolidaysLookup({ country: 'SE', closedTypes: ['public'] });
const stratiteq = () => new BusinessCalendar(PRESETS.stratiteq.calendar, swedish);
const kamstrup = () => new BusinessCalendar(PRESETS.kamstrup.calendar, swedish);

/** Every expected instant below is worked out by hand from the contract text, with its offset. */
function due(calendar: BusinessCalendar, from: string, ms: number): string {
  return calendar.addBusinessTime(new Date(from), ms).toISOString();
}
const at = (iso: string) => new Date(iso).toISOString();

describe('stratiteq: Mon–Fri 08–17, 08:30–14 on a working day before a public holiday', () => {
  it('reproduces the seed: reported Monday 15:00, 8 business hours → Tuesday 14:00', () => {
    expect(due(stratiteq(), '2026-11-16T15:00:00+01:00', 8 * HOUR)).toBe(at('2026-11-17T14:00:00+01:00'));
  });

  it('counts a start before opening from the opening', () => {
    expect(due(stratiteq(), '2026-11-16T06:00:00+01:00', 2 * HOUR)).toBe(at('2026-11-16T10:00:00+01:00'));
  });

  it('counts a start after Friday closing from Monday morning', () => {
    expect(due(stratiteq(), '2026-11-20T18:00:00+01:00', HOUR)).toBe(at('2026-11-23T09:00:00+01:00'));
  });

  it('ends a duration that runs out exactly at closing at closing, not next morning', () => {
    expect(due(stratiteq(), '2026-11-16T08:00:00+01:00', 9 * HOUR)).toBe(at('2026-11-16T17:00:00+01:00'));
  });

  it('is exact to the second across closing', () => {
    expect(due(stratiteq(), '2026-11-16T16:59:30+01:00', MINUTE)).toBe(at('2026-11-17T08:00:30+01:00'));
    expect(
      stratiteq().businessTimeBetween(
        new Date('2026-11-16T16:59:59+01:00'),
        new Date('2026-11-17T08:00:01+01:00'),
      ),
    ).toBe(2000);
  });

  it('keeps 08:00 local across the spring DST change (29 March 2026)', () => {
    expect(due(stratiteq(), '2026-03-27T16:00:00+01:00', 2 * HOUR)).toBe(at('2026-03-30T09:00:00+02:00'));
  });

  it('keeps 08:00 local across the autumn DST change (25 October 2026)', () => {
    expect(due(stratiteq(), '2026-10-23T16:00:00+02:00', 2 * HOUR)).toBe(at('2026-10-26T09:00:00+01:00'));
  });

  it('shortens Maundy Thursday and closes Good Friday and Easter Monday (Easter 2026)', () => {
    expect(due(stratiteq(), '2026-04-01T16:00:00+02:00', 4 * HOUR)).toBe(at('2026-04-02T11:30:00+02:00'));
    expect(due(stratiteq(), '2026-04-02T13:00:00+02:00', 2 * HOUR)).toBe(at('2026-04-07T09:00:00+02:00'));
  });

  it('shortens Midsummer Eve, the working day before Midsummer Day', () => {
    expect(due(stratiteq(), '2026-06-18T16:00:00+02:00', 2 * HOUR)).toBe(at('2026-06-19T09:30:00+02:00'));
    expect(stratiteq().isOpen(new Date('2026-06-19T08:15:00+02:00'))).toBe(false);
    expect(stratiteq().isOpen(new Date('2026-06-19T14:00:00+02:00'))).toBe(false);
  });

  it('shortens Christmas Eve and closes Christmas Day and Boxing Day', () => {
    expect(due(stratiteq(), '2026-12-24T13:00:00+01:00', 2 * HOUR)).toBe(at('2026-12-28T09:00:00+01:00'));
  });

  it('runs over the year end: short New Year’s Eve, closed New Year’s Day, short eve of Epiphany', () => {
    expect(due(stratiteq(), '2026-12-31T13:00:00+01:00', 2 * HOUR)).toBe(at('2027-01-04T09:00:00+01:00'));
    expect(due(stratiteq(), '2027-01-04T16:00:00+01:00', 2 * HOUR)).toBe(at('2027-01-05T09:30:00+01:00'));
  });

  it('counts a start on a holiday from the next opening', () => {
    expect(due(stratiteq(), '2026-05-01T10:00:00+02:00', HOUR)).toBe(at('2026-05-04T09:00:00+02:00'));
  });

  it('reports whether it is open: opening instant included, closing instant excluded', () => {
    const calendar = stratiteq();
    expect(calendar.isOpen(new Date('2026-11-16T08:00:00+01:00'))).toBe(true);
    expect(calendar.isOpen(new Date('2026-11-16T16:59:59+01:00'))).toBe(true);
    expect(calendar.isOpen(new Date('2026-11-16T17:00:00+01:00'))).toBe(false);
    expect(calendar.isOpen(new Date('2026-11-21T12:00:00+01:00'))).toBe(false);
  });

  it('finds the next opening, or the instant itself when open', () => {
    const calendar = stratiteq();
    expect(calendar.nextOpening(new Date('2026-11-21T12:00:00+01:00')).toISOString()).toBe(
      at('2026-11-23T08:00:00+01:00'),
    );
    expect(calendar.nextOpening(new Date('2026-11-23T10:00:00+01:00')).toISOString()).toBe(
      at('2026-11-23T10:00:00+01:00'),
    );
    expect(calendar.nextOpening(new Date('2026-12-31T15:00:00+01:00')).toISOString()).toBe(
      at('2027-01-04T08:00:00+01:00'),
    );
  });

  it('gives a zero duration as the next opening', () => {
    expect(due(stratiteq(), '2026-11-21T12:00:00+01:00', 0)).toBe(at('2026-11-23T08:00:00+01:00'));
    expect(due(stratiteq(), '2026-11-23T10:00:00+01:00', 0)).toBe(at('2026-11-23T10:00:00+01:00'));
  });

  it('measures business time between instants, negative when reversed', () => {
    const calendar = stratiteq();
    const a = new Date('2026-11-16T15:00:00+01:00');
    const b = new Date('2026-11-17T14:00:00+01:00');
    expect(calendar.businessTimeBetween(a, b)).toBe(8 * HOUR);
    expect(calendar.businessTimeBetween(b, a)).toBe(-8 * HOUR);
    expect(calendar.businessTimeBetween(a, a)).toBe(0);
  });

  it('gives the same answers however far the table has grown, forwards or backwards', () => {
    const grown = stratiteq();
    grown.addBusinessTime(new Date('2060-06-01T10:00:00Z'), HOUR);
    grown.addBusinessTime(new Date('2001-06-01T10:00:00Z'), HOUR);
    expect(grown.coveredYears).toBeGreaterThanOrEqual(60);
    expect(due(grown, '2026-11-16T15:00:00+01:00', 8 * HOUR)).toBe(at('2026-11-17T14:00:00+01:00'));
    expect(due(grown, '2026-12-31T13:00:00+01:00', 2 * HOUR)).toBe(at('2027-01-04T09:00:00+01:00'));
  });

  it('refuses a negative or non-finite duration', () => {
    expect(() => stratiteq().addBusinessMs(Date.now(), -1)).toThrow(RangeError);
    expect(() => stratiteq().addBusinessMs(Date.now(), Number.NaN)).toThrow(RangeError);
    expect(() => stratiteq().addBusinessMs(Number.NaN, HOUR)).toThrow(RangeError);
  });
});

describe('kamstrup: Mon–Thu 08–16, Fri 08–14:30', () => {
  it('closes early on Friday', () => {
    expect(due(kamstrup(), '2026-11-20T14:00:00+01:00', HOUR)).toBe(at('2026-11-23T08:30:00+01:00'));
  });

  it('gives C (16 h) from Monday 08:00 as Tuesday 16:00', () => {
    expect(due(kamstrup(), '2026-11-16T08:00:00+01:00', 16 * HOUR)).toBe(at('2026-11-17T16:00:00+01:00'));
  });

  it('keeps Christmas Eve a normal Thursday: it is not a public holiday and Kamstrup has no eve rule', () => {
    expect(due(kamstrup(), '2026-12-24T15:00:00+01:00', 2 * HOUR)).toBe(at('2026-12-28T09:00:00+01:00'));
  });

  it('runs across the spring DST weekend', () => {
    expect(due(kamstrup(), '2026-03-27T14:00:00+01:00', 4 * HOUR)).toBe(at('2026-03-30T11:30:00+02:00'));
  });
});

describe('calendars of other shapes', () => {
  const lunchBreak: CalendarRules = {
    timeZone: 'Europe/Stockholm',
    week: {
      mon: [
        { from: '08:00', to: '12:00' },
        { from: '13:00', to: '17:00' },
      ],
    },
  };

  it('skips a break between two opening intervals of a day', () => {
    const calendar = new BusinessCalendar(lunchBreak, noHolidays);
    expect(due(calendar, '2026-11-16T11:00:00+01:00', 2 * HOUR)).toBe(at('2026-11-16T14:00:00+01:00'));
    expect(due(calendar, '2026-11-16T16:00:00+01:00', 2 * HOUR)).toBe(at('2026-11-23T09:00:00+01:00'));
  });

  it('counts a 23-hour and a 25-hour day on the DST Sundays of a desk open round the clock', () => {
    const allWeek = { timeZone: 'Europe/Stockholm', week: { sun: [{ from: '00:00', to: '24:00' }] } };
    const calendar = new BusinessCalendar(allWeek, noHolidays);
    const day = (from: string, to: string) => calendar.businessTimeBetween(new Date(from), new Date(to));
    expect(day('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')).toBe(23 * HOUR);
    expect(day('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toBe(25 * HOUR);
  });

  describe('hours inside the hour the clocks skip or repeat (Europe/Stockholm, Sundays)', () => {
    const sunday = (from: string, to: string) =>
      new BusinessCalendar({ timeZone: 'Europe/Stockholm', week: { sun: [{ from, to }] } }, noHolidays);
    const openOn = (calendar: BusinessCalendar, date: string) =>
      calendar.businessTimeBetween(new Date(`${date}T00:00:00+01:00`), new Date(`${date}T23:00:00+01:00`)) /
      MINUTE;

    it('opens nothing for hours that do not exist on the spring-forward day', () => {
      const calendar = sunday('02:00', '03:00');
      expect(openOn(calendar, '2026-03-29')).toBe(0);
      expect(calendar.isOpen(new Date('2026-03-29T00:45:00Z'))).toBe(false);
      expect(due(calendar, '2026-03-28T12:00:00Z', 30 * MINUTE)).toBe(at('2026-04-05T02:30:00+02:00'));
    });

    it('keeps the part of the hours that exists: 02:30–04:00 is 03:00–04:00, 01:00–02:30 runs to the jump', () => {
      expect(openOn(sunday('02:30', '04:00'), '2026-03-29')).toBe(60);
      expect(openOn(sunday('01:00', '02:30'), '2026-03-29')).toBe(60);
    });

    it('is open both times the wall clock shows the hours on the fall-back day', () => {
      const calendar = sunday('02:00', '03:00');
      expect(openOn(calendar, '2026-10-25')).toBe(120);
      expect(calendar.isOpen(new Date('2026-10-25T00:15:00Z'))).toBe(true);
      expect(calendar.isOpen(new Date('2026-10-25T01:15:00Z'))).toBe(true);
      // 02:30–03:00 in summer time, then 02:30–04:00 again in winter time.
      expect(openOn(sunday('02:30', '04:00'), '2026-10-25')).toBe(120);
    });
  });

  it('joins a desk open across midnight into one stretch, also over New Year', () => {
    const allDays = {
      timeZone: 'UTC',
      week: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '24:00' }]]),
      ),
    };
    const calendar = new BusinessCalendar(allDays, noHolidays);
    expect(due(calendar, '2026-12-31T23:00:00Z', 2 * HOUR)).toBe(at('2027-01-01T01:00:00Z'));
  });

  it('works in another time zone with its own holidays', () => {
    const newYork: CalendarRules = {
      timeZone: 'America/New_York',
      week: { mon: [{ from: '09:00', to: '17:00' }], fri: [{ from: '09:00', to: '17:00' }] },
      holidays: { country: 'US', closedTypes: ['public'] },
    };
    const calendar = new BusinessCalendar(newYork, dateHolidaysLookup(newYork.holidays!));
    // Friday 2026-07-03 is the observed Independence Day; Monday 6 July opens 09:00 EDT.
    expect(due(calendar, '2026-07-02T12:00:00-04:00', HOUR)).toBe(at('2026-07-06T10:00:00-04:00'));
  });

  it('closes listed dates and applies listed short days', () => {
    const rules: CalendarRules = {
      timeZone: 'Europe/Stockholm',
      week: PRESETS.stratiteq.calendar.week,
      closedDates: ['2026-11-17'],
      shortDays: [{ kind: 'dates', dates: ['2026-11-18'], hours: [{ from: '10:00', to: '12:00' }] }],
    };
    const calendar = new BusinessCalendar(rules, noHolidays);
    expect(due(calendar, '2026-11-16T16:00:00+01:00', 2 * HOUR)).toBe(at('2026-11-18T11:00:00+01:00'));
  });

  it('only shortens working days: a listed short date on a closed weekday stays closed', () => {
    const rules: CalendarRules = {
      timeZone: 'Europe/Stockholm',
      week: { mon: [{ from: '08:00', to: '17:00' }] },
      shortDays: [{ kind: 'dates', dates: ['2026-11-22'], hours: [{ from: '10:00', to: '12:00' }] }],
    };
    const calendar = new BusinessCalendar(rules, noHolidays);
    expect(calendar.isOpen(new Date('2026-11-22T11:00:00+01:00'))).toBe(false);
  });
});

describe('calendar rules the engine refuses', () => {
  const base = { timeZone: 'Europe/Stockholm' };
  const problem = (rules: CalendarRules) => {
    try {
      new BusinessCalendar(rules, noHolidays);
    } catch (error) {
      return error instanceof CalendarRuleError ? error.problem : error;
    }
    return 'accepted';
  };

  it('names what is wrong', () => {
    expect(problem({ ...base, week: {} })).toBe('neverOpen');
    expect(problem({ ...base, week: { mon: [{ from: '8:00', to: '17:00' }] } })).toBe('badTime');
    expect(problem({ ...base, week: { mon: [{ from: '17:00', to: '08:00' }] } })).toBe('endsBeforeStart');
    expect(
      problem({
        ...base,
        week: {
          mon: [
            { from: '08:00', to: '12:00' },
            { from: '11:00', to: '13:00' },
          ],
        },
      }),
    ).toBe('overlap');
    expect(problem({ timeZone: 'Mars/Olympus', week: { mon: [{ from: '08:00', to: '12:00' }] } })).toBe(
      'unknownTimeZone',
    );
  });

  it('gives up rather than loop when no open time comes for years', () => {
    const closed: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2045, 0, 1); day += 86_400_000) {
      closed.push(new Date(day).toISOString().slice(0, 10));
    }
    const calendar = new BusinessCalendar(
      { ...base, week: PRESETS.stratiteq.calendar.week, closedDates: closed },
      noHolidays,
    );
    expect(() => calendar.addBusinessMs(Date.parse('2026-06-01T00:00:00Z'), HOUR)).toThrow(RangeError);
  });
});
