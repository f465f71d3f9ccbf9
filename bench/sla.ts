/**
 * The SLA clock benchmark: deadlines per second on the stratiteq calendar for the engine, the
 * minute-stepping reference and dayjs-business-time, on the same seeded random cases, with their
 * answers compared; whether the clock slows down as its table grows; and the table's memory.
 *
 * Environment knobs (defaults in brackets): SLA_BENCH_CASES [100000], SLA_BENCH_REFERENCE_CASES
 * [300], SLA_BENCH_LIBRARY_CASES [all cases], SLA_BENCH_SEED [20261116].
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Holidays from 'date-holidays';
import { fromZonedTime } from 'date-fns-tz';
import dayjs from 'dayjs';
import dayjsBusinessTime from 'dayjs-business-time';
import { dateHolidaysLookup } from '../src/contracts/holidays.ts';
import { PRESETS } from '../src/contracts/presets.ts';
import { BusinessCalendar } from '../src/domain/sla/business-calendar.ts';
import type { CalendarRules, HolidayLookup, HolidayRule } from '../src/domain/sla/calendar-rules.ts';
import {
  nextDate,
  referenceDue,
  referenceElapsedMinutes,
  referenceHolidayLookup,
  referenceHoursOf,
  referenceIsOpen,
  referenceNextOpening,
} from '../test/support/minute-reference.ts';
import type { Bench, BenchReport, Check } from './run.ts';
import { intFromEnv } from './knobs.ts';

const TARGET_DEADLINES_PER_S = 5_000_000;
const TARGET_LIBRARY_RATIO = 300;
/**
 * "The clock must not get slower as the calendar grows": the same queries on a ~50-year table may
 * take at most this much longer than on a ~2-year one (the slack is for a shared, noisy machine).
 */
const MAX_GROWTH_SLOWDOWN = 1.5;
const ENGINE_ROUNDS = 9;
const MINUTE = 60_000;

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Cases {
  n: number;
  start: Float64Array;
  minutes: Int32Array;
  durationMs: Float64Array;
}

/**
 * Starts on whole minutes spread uniformly over two local years (2026–2027: nights, weekends and
 * holidays included), one in ten put exactly on or next to an opening or closing time; targets
 * half the stratiteq priorities (2/4/8 h), half 1 minute to 3 business days (27 h).
 */
function makeCases(n: number, seed: number, rules: CalendarRules, priorityMinutes: readonly number[]): Cases {
  const rand = prng(seed);
  const tz = rules.timeZone;
  const from = fromZonedTime('2026-01-01T00:00:00', tz).getTime();
  const to = fromZonedTime('2028-01-01T00:00:00', tz).getTime();
  const spanMinutes = (to - from) / MINUTE;
  const edges = ['07:59', '08:00', '08:29', '08:30', '13:59', '14:00', '16:59', '17:00'];
  const cases: Cases = {
    n,
    start: new Float64Array(n),
    minutes: new Int32Array(n),
    durationMs: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    let start: number;
    if (rand() < 0.1) {
      const date = new Date(Date.UTC(2026, 0, 1 + Math.floor(rand() * 730))).toISOString().slice(0, 10);
      start = fromZonedTime(`${date}T${edges[Math.floor(rand() * edges.length)]}:00`, tz).getTime();
    } else {
      start = from + Math.floor(rand() * spanMinutes) * MINUTE;
    }
    const minutes =
      rand() < 0.5
        ? priorityMinutes[Math.floor(rand() * priorityMinutes.length)]!
        : 1 + Math.floor(rand() * 27 * 60);
    cases.start[i] = start;
    cases.minutes[i] = minutes;
    cases.durationMs[i] = minutes * MINUTE;
  }
  return cases;
}

/** The hot loop, kept in one small monomorphic function. */
function engineRound(cal: BusinessCalendar, cases: Cases, out: Float64Array): number {
  const { n, start, durationMs } = cases;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) out[i] = cal.addBusinessMs(start[i]!, durationMs[i]!);
  return performance.now() - t0;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const local = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const show = (ms: number): string =>
  Number.isFinite(ms) ? `${new Date(ms).toISOString()} (${local.format(ms)} Stockholm)` : String(ms);

const fmtInt = (x: number): string => Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');
const fmtRate = (x: number): string =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k/s` : `${x.toFixed(0)} /s`;
const fmtUs = (ms: number): string =>
  ms * 1000 < 1
    ? `${(ms * 1e6).toFixed(0)} ns`
    : ms < 1
      ? `${(ms * 1000).toFixed(1)} µs`
      : `${ms.toFixed(2)} ms`;
const row = (cols: readonly string[], widths: readonly number[]): string =>
  '  ' + cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

function getGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/** Heap and ArrayBuffer bytes a calendar covering `years` holds (fresh holiday lookup included). */
function memoryOfCalendar(
  rules: CalendarRules,
  holidayRule: HolidayRule,
  fromYear: number,
  years: number,
  gc: () => void,
) {
  gc();
  const before = process.memoryUsage();
  const cal = new BusinessCalendar(rules, dateHolidaysLookup(holidayRule));
  cal.isOpenAt(Date.UTC(fromYear, 6, 1));
  cal.isOpenAt(Date.UTC(fromYear + years - 1, 6, 1));
  gc();
  const after = process.memoryUsage();
  const covered = cal.coveredYears;
  return {
    covered,
    heap: after.heapUsed - before.heapUsed,
    buffers: after.arrayBuffers - before.arrayBuffers,
  };
}

/** Heap the holiday lookup alone holds after answering for `years` years (part of the above). */
function memoryOfLookup(holidayRule: HolidayRule, fromYear: number, years: number, gc: () => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const lookup = dateHolidaysLookup(holidayRule);
  for (let y = fromYear - 1; y <= fromYear + years; y++) lookup(y);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (lookup(fromYear).size < 0) throw new Error('unreachable'); // keeps the lookup alive until measured
  return after - before;
}

/** The local dates on which the rules give other hours than the week table (the short eves). */
function shortDaySpans(
  rules: CalendarRules,
  holidays: HolidayLookup,
  fromDate: string,
  toDate: string,
): [number, number][] {
  const spans: [number, number][] = [];
  for (let d = fromDate; d <= toDate; d = nextDate(d)) {
    const weekday = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[
      new Date(`${d}T00:00:00Z`).getUTCDay()
    ]!;
    const weekHours = rules.week[weekday] ?? [];
    const hours = referenceHoursOf(rules, holidays, d);
    if (hours.length > 0 && JSON.stringify(hours) !== JSON.stringify(weekHours)) {
      spans.push([
        fromZonedTime(`${d}T00:00:00`, rules.timeZone).getTime(),
        fromZonedTime(`${nextDate(d)}T00:00:00`, rules.timeZone).getTime(),
      ]);
    }
  }
  return spans;
}

/** Does [a, b] touch any of the (sorted, disjoint) spans? */
function touches(spans: readonly [number, number][], a: number, b: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]![1] <= a) lo = mid + 1;
    else hi = mid;
  }
  const s = spans[lo];
  return s !== undefined && s[0] <= b;
}

async function run(): Promise<BenchReport> {
  const n = intFromEnv('SLA_BENCH_CASES', 100_000);
  const refN = Math.min(n, intFromEnv('SLA_BENCH_REFERENCE_CASES', 300));
  const libN = Math.min(n, intFromEnv('SLA_BENCH_LIBRARY_CASES', n));
  const seed = intFromEnv('SLA_BENCH_SEED', 20261116);
  const terms = PRESETS.stratiteq;
  const rules = terms.calendar;
  if (!rules.holidays) throw new Error('the stratiteq preset has no holiday rule');
  const holidayRule = rules.holidays;
  const lines: string[] = [];
  const checks: Check[] = [];
  const cases = makeCases(
    n,
    seed,
    rules,
    terms.priorities.map((p) => p.responseMinutes),
  );
  lines.push(
    `  ${fmtInt(n)} cases, seed ${seed}: starts 2026-01-01…2027-12-31 Stockholm on whole minutes,`,
    `  targets ${terms.priorities.map((p) => `${p.key}=${p.responseMinutes / 60} h`).join(' ')} or 1 min…27 h; single-threaded`,
    `  (whole minutes because the reference steps by minute and dayjs-business-time counts whole minutes)`,
  );

  // (a) The engine: warm up (this also builds the table for the years the cases reach), then rounds.
  const cal = new BusinessCalendar(rules, dateHolidaysLookup(holidayRule));
  const engineDue = new Float64Array(n);
  for (let w = 0; w < 3; w++) engineRound(cal, cases, engineDue);
  const engineTimes: number[] = [];
  for (let r = 0; r < ENGINE_ROUNDS; r++) engineTimes.push(engineRound(cal, cases, engineDue));
  const engineMs = median(engineTimes);
  const engineRate = n / (engineMs / 1000);
  // businessMsBetween on the same pairs, for the record (the CLI's `elapsed`).
  let sink = 0;
  const betweenTimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += cal.businessMsBetween(cases.start[i]!, engineDue[i]!);
    betweenTimes.push(performance.now() - t0);
  }
  const betweenRate = n / (median(betweenTimes) / 1000);

  // (b) The minute-stepping reference, on its own holiday lookup, on the first refN cases.
  const refHolidays = referenceHolidayLookup(holidayRule);
  const refDue = new Float64Array(refN);
  const tRef = performance.now();
  for (let i = 0; i < refN; i++)
    refDue[i] = referenceDue(rules, refHolidays, cases.start[i]!, cases.minutes[i]!);
  const refMs = (performance.now() - tRef) / refN;
  const refRate = 1000 / refMs;
  const refMismatches: string[] = [];
  for (let i = 0; i < refN; i++) {
    if (engineDue[i] !== refDue[i]) {
      refMismatches.push(
        `due: start ${show(cases.start[i]!)} + ${cases.minutes[i]} min → engine ${show(engineDue[i]!)}, reference ${show(refDue[i]!)}`,
      );
    }
  }
  // The other questions, on the same starts (untimed): open?, next opening, elapsed to a random end.
  const rand = prng(seed ^ 0x9e3779b9);
  let otherChecked = 0;
  for (let i = 0; i < refN; i++) {
    const a = cases.start[i]!;
    const b = a + Math.floor(rand() * 7 * 24 * 60) * MINUTE;
    const pairs: [string, number | boolean, number | boolean][] = [
      ['isOpen', cal.isOpenAt(a), referenceIsOpen(rules, refHolidays, a)],
      ['nextOpening', cal.nextOpeningMs(a), referenceNextOpening(rules, refHolidays, a)],
      ['elapsed ms', cal.businessMsBetween(a, b), referenceElapsedMinutes(rules, refHolidays, a, b) * MINUTE],
    ];
    for (const [what, engine, reference] of pairs) {
      otherChecked++;
      if (engine !== reference) {
        const fmt = (x: number | boolean) =>
          typeof x === 'boolean' || what === 'elapsed ms' ? String(x) : show(x);
        refMismatches.push(
          `${what}: ${show(a)}${what === 'elapsed ms' ? ` → ${show(b)}` : ''}: engine ${fmt(engine)}, reference ${fmt(reference)}`,
        );
      }
    }
  }

  // (c) dayjs-business-time with the same hours and holidays. It has no time zones: it works in the
  // process's local time, so it runs with TZ set to the calendar's zone (the cheapest, fairest way:
  // no conversions around each call). It cannot express the short eve days: cases whose span
  // touches one are timed like the others but left out of the comparison.
  const previousTz = process.env.TZ;
  process.env.TZ = rules.timeZone;
  let libRate = Number.NaN;
  let libMs = Number.NaN;
  let libComparable = 0;
  let libSkipped = 0;
  let libSkippedDiffer = 0;
  const libMismatches: string[] = [];
  try {
    if (new Date(Date.UTC(2026, 0, 1, 12)).getHours() !== 13)
      throw new Error('could not switch the process time zone');
    dayjs.extend(dayjsBusinessTime);
    const day = [{ start: '08:00:00', end: '17:00:00' }];
    dayjs.setBusinessTime({
      sunday: null,
      monday: day,
      tuesday: day,
      wednesday: day,
      thursday: day,
      friday: day,
      saturday: null,
    });
    const hd = new Holidays(holidayRule.country);
    const libHolidays: string[] = [];
    for (let y = 2025; y <= 2029; y++) {
      for (const h of hd.getHolidays(y))
        if (holidayRule.closedTypes.includes(h.type)) libHolidays.push(h.date.slice(0, 10));
    }
    dayjs.setHolidays(libHolidays);
    const libDue = new Float64Array(libN);
    for (let i = 0; i < Math.min(libN, 2000); i++)
      dayjs(cases.start[i]!).addBusinessMinutes(cases.minutes[i]!).valueOf();
    const t0 = performance.now();
    for (let i = 0; i < libN; i++)
      libDue[i] = dayjs(cases.start[i]!).addBusinessMinutes(cases.minutes[i]!).valueOf();
    libMs = (performance.now() - t0) / libN;
    libRate = 1000 / libMs;
    const eves = shortDaySpans(rules, refHolidays, '2025-12-01', '2028-03-01');
    for (let i = 0; i < libN; i++) {
      const a = cases.start[i]!;
      if (touches(eves, a, Math.max(engineDue[i]!, libDue[i]!))) {
        libSkipped++;
        if (libDue[i] !== engineDue[i]) libSkippedDiffer++;
        continue;
      }
      libComparable++;
      if (libDue[i] !== engineDue[i]) {
        libMismatches.push(
          `start ${show(a)} + ${cases.minutes[i]} min → engine ${show(engineDue[i]!)}, library ${show(libDue[i]!)}`,
        );
      }
    }
  } finally {
    if (previousTz === undefined) delete process.env.TZ;
    else process.env.TZ = previousTz;
  }

  // Growth: the same queries on a table of ~2 years and on one forced out to ~50 years.
  const small = new BusinessCalendar(rules, dateHolidaysLookup(holidayRule));
  const big = new BusinessCalendar(rules, dateHolidaysLookup(holidayRule));
  const scratch = new Float64Array(n);
  engineRound(small, cases, scratch);
  const tGrow = performance.now();
  big.isOpenAt(Date.UTC(2000, 0, 2));
  big.isOpenAt(Date.UTC(2049, 11, 30));
  const growMs = performance.now() - tGrow;
  engineRound(big, cases, scratch);
  for (let w = 0; w < 2; w++) {
    engineRound(small, cases, scratch);
    engineRound(big, cases, scratch);
  }
  const smallTimes: number[] = [];
  const bigTimes: number[] = [];
  for (let r = 0; r < 7; r++) {
    smallTimes.push(engineRound(small, cases, scratch));
    bigTimes.push(engineRound(big, cases, scratch));
  }
  const growth = median(bigTimes) / median(smallTimes);

  // Memory: the table's heap and typed-array bytes at 10 and at 50 years; the slope is per year.
  // Each figure is the median of three builds, as the heap counts move a little between runs.
  const gc = getGc();
  const slopes = { heap: [] as number[], buffers: [] as number[], lookup: [] as number[] };
  let m10 = { covered: 0, heap: 0, buffers: 0 };
  let m50 = m10;
  for (let r = 0; r < 3; r++) {
    m10 = memoryOfCalendar(rules, holidayRule, 2000, 10, gc);
    m50 = memoryOfCalendar(rules, holidayRule, 2000, 50, gc);
    slopes.heap.push((m50.heap - m10.heap) / (m50.covered - m10.covered));
    slopes.buffers.push((m50.buffers - m10.buffers) / (m50.covered - m10.covered));
    const l10 = memoryOfLookup(holidayRule, 2000, 10, gc);
    const l50 = memoryOfLookup(holidayRule, 2000, 50, gc);
    slopes.lookup.push((l50 - l10) / 40);
  }
  const perYearHeap = median(slopes.heap);
  const perYearBuffers = median(slopes.buffers);
  const perYearLookup = median(slopes.lookup);

  const w = [34, 13, 13, 30];
  lines.push(
    '',
    row(['', 'deadlines/s', 'per deadline', 'sample'], w),
    row(
      [
        'engine addBusinessMs',
        fmtRate(engineRate),
        fmtUs(engineMs / n),
        `${fmtInt(n)} × ${ENGINE_ROUNDS} rounds, median`,
      ],
      w,
    ),
    row(['minute-stepping reference', fmtRate(refRate), fmtUs(refMs), `first ${fmtInt(refN)} cases`], w),
    row(
      [
        'dayjs-business-time 1.0.4',
        fmtRate(libRate),
        fmtUs(libMs),
        `first ${fmtInt(libN)} cases, TZ=${rules.timeZone}`,
      ],
      w,
    ),
    row(
      [
        'engine businessMsBetween',
        fmtRate(betweenRate),
        fmtUs(median(betweenTimes) / n),
        `${fmtInt(n)} (start, due) pairs`,
      ],
      w,
    ),
    '',
    row(['engine / reference', `${fmtInt(engineRate / refRate)}×`, '', ''], w),
    row(['engine / dayjs-business-time', `${fmtInt(engineRate / libRate)}×`, '', ''], w),
    row(
      [
        `table ${small.coveredYears} y → ${big.coveredYears} y (same queries)`,
        `×${growth.toFixed(2)} time`,
        '',
        `growing to ${big.coveredYears} y took ${growMs.toFixed(0)} ms`,
      ],
      w,
    ),
    row(
      [
        'memory per year covered',
        `${(perYearHeap / 1024).toFixed(1)} KiB heap`,
        `${(perYearBuffers / 1024).toFixed(1)} KiB arrays`,
        `slope ${m10.covered} y → ${m50.covered} y`,
      ],
      w,
    ),
    row(['  of which the holiday lookup', `${(perYearLookup / 1024).toFixed(1)} KiB heap`, '', ''], w),
    '',
    `  agreement with the reference: ${refN - refMismatches.filter((m) => m.startsWith('due')).length}/${refN} deadlines, ` +
      `${otherChecked - refMismatches.filter((m) => !m.startsWith('due')).length}/${otherChecked} isOpen/nextOpening/elapsed answers`,
    `  agreement with dayjs-business-time: ${fmtInt(libComparable - libMismatches.length)}/${fmtInt(libComparable)} comparable cases; ` +
      `${fmtInt(libSkipped)} cases left out`,
    `    (their span touches a short eve day, 08:30–14:00 before a public holiday, which the library cannot express;`,
    `    the library's answer differs on ${fmtInt(libSkippedDiffer)} of them)`,
  );
  for (const m of refMismatches.slice(0, 10)) lines.push(`    engine ≠ reference: ${m}`);
  for (const m of libMismatches.slice(0, 10)) lines.push(`    engine ≠ library: ${m}`);
  if (sink === 42) lines.push(''); // keeps the elapsed loop from being optimised away

  checks.push(
    {
      name: 'engine throughput',
      ok: engineRate >= TARGET_DEADLINES_PER_S,
      detail: `${fmtRate(engineRate)} (target ≥ ${fmtRate(TARGET_DEADLINES_PER_S)})`,
    },
    {
      name: 'engine vs dayjs-business-time',
      ok: engineRate / libRate >= TARGET_LIBRARY_RATIO,
      detail: `${fmtInt(engineRate / libRate)}× (target ≥ ${TARGET_LIBRARY_RATIO}×)`,
    },
    {
      name: 'engine agrees with the reference',
      ok: refMismatches.length === 0,
      detail: `${refMismatches.length} disagreement(s) on ${refN} cases`,
    },
    {
      name: 'engine agrees with dayjs-business-time',
      ok: libMismatches.length === 0,
      detail: `${libMismatches.length} disagreement(s) on ${fmtInt(libComparable)} comparable cases`,
    },
    {
      name: 'no slowdown as the table grows',
      ok: growth <= MAX_GROWTH_SLOWDOWN,
      detail: `×${growth.toFixed(2)} from ${small.coveredYears} to ${big.coveredYears} years (allowed ≤ ×${MAX_GROWTH_SLOWDOWN})`,
    },
  );
  return { lines, checks };
}

const bench: Bench = {
  name: 'sla',
  description:
    'SLA deadlines on the stratiteq calendar (engine vs minute-stepping reference vs dayjs-business-time)',
  run,
};
export default bench;
