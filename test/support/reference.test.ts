/**
 * The minute-stepping reference checked against answers worked out by hand, so that when the engine
 * and the reference disagree it is the engine that is suspect.
 */
import { describe, expect, it } from 'vitest';
import { dateHolidaysLookup } from '../../src/contracts/holidays.ts';
import type { CalendarRules, HolidayLookup } from '../../src/domain/sla/calendar-rules.ts';
import {
  referenceDue,
  referenceElapsedMinutes,
  referenceHolidayLookup,
  referenceHoursOf,
  referenceIsOpen,
  referenceNextOpening,
  wallClock,
} from './minute-reference.ts';

const weekdays = { from: '08:00', to: '17:00' };
/** Stratiteq SOS as the seed states it, written out here rather than taken from the presets. */
const stratiteq: CalendarRules = {
  timeZone: 'Europe/Stockholm',
  week: { mon: [weekdays], tue: [weekdays], wed: [weekdays], thu: [weekdays], fri: [weekdays] },
  holidays: { country: 'SE', closedTypes: ['public'] },
  shortDays: [{ kind: 'dayBeforeHoliday', hours: [{ from: '08:30', to: '14:00' }] }],
};
const se: HolidayLookup = referenceHolidayLookup({ country: 'SE', closedTypes: ['public'] });

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();
const due = (from: string, minutes: number, rules: CalendarRules = stratiteq): string =>
  iso(referenceDue(rules, se, at(from), minutes));
const open = (t: string, rules: CalendarRules = stratiteq): boolean => referenceIsOpen(rules, se, at(t));

describe('wall clock', () => {
  it('reads Stockholm time on both sides of the clock changes', () => {
    expect(wallClock('Europe/Stockholm', at('2026-03-29T00:59:00Z'))).toEqual({
      date: '2026-03-29',
      secondOfDay: 1 * 3600 + 59 * 60,
    });
    expect(wallClock('Europe/Stockholm', at('2026-03-29T01:00:00Z'))).toEqual({
      date: '2026-03-29',
      secondOfDay: 3 * 3600,
    });
    expect(wallClock('Europe/Stockholm', at('2026-10-25T00:30:00Z'))).toEqual({
      date: '2026-10-25',
      secondOfDay: 2.5 * 3600,
    });
    expect(wallClock('Europe/Stockholm', at('2026-10-25T01:30:00Z'))).toEqual({
      date: '2026-10-25',
      secondOfDay: 2.5 * 3600,
    });
    expect(wallClock('Europe/Stockholm', at('2026-12-31T23:00:00Z'))).toEqual({
      date: '2027-01-01',
      secondOfDay: 0,
    });
  });
});

describe('Swedish public holidays (own lookup, straight from date-holidays)', () => {
  it('closes the allmänna helgdagar and not the eves', () => {
    const y2026 = se(2026);
    for (const d of [
      '2026-01-01',
      '2026-01-06',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-05-14',
      '2026-06-06',
      '2026-06-20',
      '2026-10-31',
      '2026-12-25',
      '2026-12-26',
    ]) {
      expect(y2026.has(d), d).toBe(true);
    }
    for (const d of [
      '2026-01-05',
      '2026-04-02',
      '2026-04-30',
      '2026-06-19',
      '2026-10-30',
      '2026-12-24',
      '2026-12-31',
    ]) {
      expect(y2026.has(d), d).toBe(false);
    }
  });

  it("matches the project's own lookup, 1990–2070", () => {
    const project = dateHolidaysLookup({ country: 'SE', closedTypes: ['public'] });
    for (let year = 1990; year <= 2070; year++) {
      expect([...project(year)].sort(), String(year)).toEqual([...se(year)].sort());
    }
  });
});

describe('reference on the stratiteq calendar (Mon–Fri 08–17, eves 08:30–14:00)', () => {
  it("reproduces the seed's worked example: Monday 15:00 + 8 h → Tuesday 14:00", () => {
    // 2026-11-16 is a Monday; Stockholm is on CET (UTC+1).
    expect(due('2026-11-16T14:00:00Z', 8 * 60)).toBe('2026-11-17T13:00:00.000Z');
    expect(
      referenceElapsedMinutes(stratiteq, se, at('2026-11-16T14:00:00Z'), at('2026-11-17T13:00:00Z')),
    ).toBe(480);
  });

  it('opens at 08:00 and closes at 17:00 sharp', () => {
    expect(open('2026-11-16T06:59:00Z')).toBe(false);
    expect(open('2026-11-16T07:00:00Z')).toBe(true);
    expect(open('2026-11-16T15:59:59Z')).toBe(true);
    expect(open('2026-11-16T16:00:00Z')).toBe(false);
    expect(open('2026-11-21T10:00:00Z')).toBe(false); // Saturday
  });

  it('ends a duration that runs out at closing at closing, and starts late ones at the next opening', () => {
    expect(due('2026-11-16T07:00:00Z', 9 * 60)).toBe('2026-11-16T16:00:00.000Z'); // Mon 08:00 + 9 h → Mon 17:00
    expect(due('2026-11-16T16:00:00Z', 1)).toBe('2026-11-17T07:01:00.000Z'); // Mon 17:00 + 1 min → Tue 08:01
    expect(due('2026-11-21T11:00:00Z', 60)).toBe('2026-11-23T08:00:00.000Z'); // Sat noon + 1 h → Mon 09:00
    expect(iso(referenceNextOpening(stratiteq, se, at('2026-11-21T11:00:00Z')))).toBe(
      '2026-11-23T07:00:00.000Z',
    );
    expect(iso(referenceNextOpening(stratiteq, se, at('2026-11-16T10:00:30Z')))).toBe(
      '2026-11-16T10:00:30.000Z',
    );
  });

  it('counts a full ordinary week as 5 × 9 h', () => {
    expect(
      referenceElapsedMinutes(stratiteq, se, at('2026-11-15T23:00:00Z'), at('2026-11-22T23:00:00Z')),
    ).toBe(5 * 540);
  });

  it('shortens the Friday before Midsommardagen (midsommarafton) to 08:30–14:00', () => {
    // 2026-06-19 is midsommarafton (a Friday, not itself a public holiday); 06-20 is Midsommardagen.
    expect(referenceHoursOf(stratiteq, se, '2026-06-19')).toEqual([{ from: '08:30', to: '14:00' }]);
    expect(referenceHoursOf(stratiteq, se, '2026-06-18')).toEqual([weekdays]);
    expect(open('2026-06-19T06:15:00Z')).toBe(false); // 08:15 CEST
    expect(open('2026-06-19T06:30:00Z')).toBe(true); // 08:30
    expect(open('2026-06-19T11:59:00Z')).toBe(true); // 13:59
    expect(open('2026-06-19T12:00:00Z')).toBe(false); // 14:00
    // Fri 08:00 + 8 h: 5.5 h on Friday (08:30–14:00), 2.5 h on Monday → Mon 06-22 10:30 CEST.
    expect(due('2026-06-19T06:00:00Z', 480)).toBe('2026-06-22T08:30:00.000Z');
  });

  it('handles Christmas and New Year: short eves, closed holidays', () => {
    // 2026-12-24 Thu julafton: short; 12-25 Fri and 12-26 Sat closed; 12-28 Mon ordinary.
    expect(referenceHoursOf(stratiteq, se, '2026-12-24')).toEqual([{ from: '08:30', to: '14:00' }]);
    expect(referenceHoursOf(stratiteq, se, '2026-12-25')).toEqual([]);
    expect(referenceHoursOf(stratiteq, se, '2026-12-28')).toEqual([weekdays]);
    // Thu 13:00 CET + 2 h: 1 h on julafton, then Monday 08:00 + 1 h.
    expect(due('2026-12-24T12:00:00Z', 120)).toBe('2026-12-28T08:00:00.000Z');
    expect(
      referenceElapsedMinutes(stratiteq, se, at('2026-12-23T16:00:00Z'), at('2026-12-28T07:00:00Z')),
    ).toBe(330);
    // 2026-12-31 Thu nyårsafton is short, 2027-01-01 closed (the eve rule looks into next year).
    expect(referenceHoursOf(stratiteq, se, '2026-12-31')).toEqual([{ from: '08:30', to: '14:00' }]);
    expect(due('2026-12-31T13:00:00Z', 60)).toBe('2027-01-04T08:00:00.000Z'); // Thu 14:00 + 1 h → Mon 09:00
    // 2027-01-05 Tue is the day before Trettondedag jul: short too.
    expect(referenceHoursOf(stratiteq, se, '2027-01-05')).toEqual([{ from: '08:30', to: '14:00' }]);
  });

  it('handles Easter: skärtorsdagen short, långfredagen and annandag påsk closed', () => {
    expect(referenceHoursOf(stratiteq, se, '2026-04-02')).toEqual([{ from: '08:30', to: '14:00' }]);
    // Thu 13:00 CEST + 2 h: 1 h on Thursday, then Tue 04-07 08:00 + 1 h.
    expect(due('2026-04-02T11:00:00Z', 120)).toBe('2026-04-07T07:00:00.000Z');
  });

  it('is right across the daylight-saving changes', () => {
    // Fri 2026-03-27 16:00 CET + 2 h → Mon 03-30 09:00 CEST.
    expect(due('2026-03-27T15:00:00Z', 120)).toBe('2026-03-30T07:00:00.000Z');
    // Fri 2026-10-23 16:00 CEST + 2 h → Mon 10-26 09:00 CET.
    expect(due('2026-10-23T14:00:00Z', 120)).toBe('2026-10-26T08:00:00.000Z');
  });
});

describe('reference on other rule shapes', () => {
  it('takes closedDates as closed but not as holidays for the eve rule', () => {
    const rules: CalendarRules = { ...stratiteq, closedDates: ['2026-11-17'] };
    expect(referenceHoursOf(rules, se, '2026-11-16')).toEqual([weekdays]);
    expect(due('2026-11-16T14:00:00Z', 480, rules)).toBe('2026-11-18T13:00:00.000Z'); // → Wed 14:00
  });

  it('takes listed short dates, only on working days', () => {
    const rules: CalendarRules = {
      ...stratiteq,
      shortDays: [
        { kind: 'dates', dates: ['2026-11-18', '2026-11-22'], hours: [{ from: '10:00', to: '12:00' }] },
      ],
    };
    expect(referenceHoursOf(rules, se, '2026-11-18')).toEqual([{ from: '10:00', to: '12:00' }]);
    expect(referenceHoursOf(rules, se, '2026-11-22')).toEqual([]); // a Sunday stays closed
    expect(referenceHoursOf(rules, se, '2026-12-24')).toEqual([weekdays]); // no eve rule any more
  });

  it('counts wall-clock hours on clock-change days, with several intervals and 24:00', () => {
    const allSunday: CalendarRules = {
      timeZone: 'Europe/Stockholm',
      week: {
        sun: [
          { from: '00:00', to: '12:00' },
          { from: '12:00', to: '24:00' },
        ],
      },
    };
    const none: HolidayLookup = () => new Set();
    // Sunday 2026-03-29 has 23 hours, Sunday 2026-10-25 has 25.
    expect(
      referenceElapsedMinutes(allSunday, none, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z')),
    ).toBe(23 * 60);
    expect(
      referenceElapsedMinutes(allSunday, none, at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z')),
    ).toBe(25 * 60);
    expect(iso(referenceDue(allSunday, none, at('2026-10-24T12:00:00Z'), 25 * 60))).toBe(
      '2026-10-25T23:00:00.000Z',
    );
  });

  it('gives negative elapsed time backwards and refuses starts off the minute', () => {
    expect(
      referenceElapsedMinutes(stratiteq, se, at('2026-11-17T13:00:00Z'), at('2026-11-16T14:00:00Z')),
    ).toBe(-480);
    expect(() => referenceDue(stratiteq, se, at('2026-11-16T14:00:30Z'), 1)).toThrow(/whole minute/);
  });
});
