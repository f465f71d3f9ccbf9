import type { CalendarRules, HolidayLookup } from './calendar-rules.ts';
import { checkCalendarRules, openSpansOfYear, type OpenSpan } from './opening-table.ts';
import { firstInstantAtWallTime, offsetSegmentsOfYear, type OffsetSegment } from './zone-offsets.ts';

const DAY_MS = 86_400_000;
/** How far the table may grow looking for open time before the calendar is called broken. */
const MAX_EMPTY_YEARS = 10;

/**
 * The SLA clock of one contract: how much open ("business") time lies between instants, and when a
 * given amount of it has elapsed. All instants are UTC epoch milliseconds.
 *
 * Open time is kept as a table of spans with running totals, built a year at a time as queries
 * reach new years, so every question is two short searches whatever the table's size:
 * - `startAt[i]`/`endAt[i]`: span i; `openBefore[i]`: open ms from the table's start to span i;
 * - `firstSpanOfDay[k]`: the first span ending after UTC day k of the table, so finding the span
 *   of an instant is a jump and a step or two instead of a search over years.
 */
export class BusinessCalendar {
  private fromYear = 0;
  private toYear = -1;
  private coverStart = 0;
  private coverEnd = 0;
  private startAt = new Float64Array(0);
  private endAt = new Float64Array(0);
  private openBefore = new Float64Array(1);
  private firstSpanOfDay = new Int32Array(0);
  private readonly yearCache = new Map<number, OpenSpan[]>();
  private readonly offsetCache = new Map<number, OffsetSegment[]>();

  constructor(
    readonly rules: CalendarRules,
    private readonly holidays: HolidayLookup,
  ) {
    checkCalendarRules(rules);
  }

  isOpenAt(ms: number): boolean {
    const i = this.spanIndexAfter(ms);
    return i < this.startAt.length && this.startAt[i]! <= ms;
  }

  /** `ms` itself when open, otherwise the next instant the desk opens. */
  nextOpeningMs(ms: number): number {
    let i = this.spanIndexAfter(ms);
    while (i === this.startAt.length) {
      this.growForward();
      i = this.spanIndexAfter(ms);
    }
    return Math.max(ms, this.startAt[i]!);
  }

  /**
   * The instant at which `durationMs` of open time has elapsed since `startMs`. A start outside
   * hours counts from the next opening; a duration that runs out exactly at closing ends there.
   */
  addBusinessMs(startMs: number, durationMs: number): number {
    if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
      throw new RangeError(`duration must be a finite number of ms ≥ 0, got ${durationMs}`);
    }
    if (durationMs === 0) return this.nextOpeningMs(startMs);
    const target = this.openTimeUntil(startMs) + durationMs;
    while (target > this.openBefore[this.startAt.length]!) this.growForward();
    const j = this.spanReachingOpenTime(target, this.spanIndexAfter(startMs));
    return this.startAt[j]! + (target - this.openBefore[j]!);
  }

  /** Open time from `aMs` to `bMs`; negative when `bMs` is earlier. */
  businessMsBetween(aMs: number, bMs: number): number {
    this.cover(Math.min(aMs, bMs));
    this.cover(Math.max(aMs, bMs));
    return this.openTimeUntil(bMs) - this.openTimeUntil(aMs);
  }

  addBusinessTime(start: Date, durationMs: number): Date {
    return new Date(this.addBusinessMs(start.getTime(), durationMs));
  }

  businessTimeBetween(a: Date, b: Date): number {
    return this.businessMsBetween(a.getTime(), b.getTime());
  }

  isOpen(t: Date): boolean {
    return this.isOpenAt(t.getTime());
  }

  nextOpening(t: Date): Date {
    return new Date(this.nextOpeningMs(t.getTime()));
  }

  /** Years of the calendar the table holds now; for benchmarks and memory accounting. */
  get coveredYears(): number {
    return this.toYear - this.fromYear + 1;
  }

  /** Open ms from the table's start until `ms`. */
  private openTimeUntil(ms: number): number {
    const i = this.spanIndexAfter(ms);
    if (i === this.startAt.length) return this.openBefore[i]!;
    return this.openBefore[i]! + Math.max(0, ms - this.startAt[i]!);
  }

  /** Index of the first span that ends after `ms` (the table's length if none does yet). */
  private spanIndexAfter(ms: number): number {
    this.cover(ms);
    let i = this.firstSpanOfDay[Math.floor((ms - this.coverStart) / DAY_MS)]!;
    const n = this.endAt.length;
    while (i < n && this.endAt[i]! <= ms) i++;
    return i;
  }

  /** First span at or after `from` by whose end `target` ms of open time have passed. */
  private spanReachingOpenTime(target: number, from: number): number {
    // Deadlines are mostly days away, so gallop from the start span before bisecting.
    let lo = from;
    let step = 1;
    let hi = from;
    while (this.openBefore[hi + 1]! < target) {
      lo = hi + 1;
      hi = Math.min(hi + step, this.startAt.length - 1);
      step *= 2;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.openBefore[mid + 1]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private cover(ms: number): void {
    if (ms >= this.coverStart && ms < this.coverEnd) return;
    if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${ms}`);
    if (this.toYear < this.fromYear) {
      const year = new Date(ms).getUTCFullYear();
      this.rebuild(year, year);
    }
    // Jump straight to the year asked for; the loops only settle a local year that differs from UTC.
    const year = new Date(ms).getUTCFullYear();
    if (ms < this.coverStart) this.rebuild(Math.min(year, this.fromYear - 1), this.toYear);
    if (ms >= this.coverEnd) this.rebuild(this.fromYear, Math.max(year, this.toYear + 1));
    while (ms < this.coverStart) this.rebuild(this.fromYear - 1, this.toYear);
    while (ms >= this.coverEnd) this.rebuild(this.fromYear, this.toYear + 1);
  }

  private growForward(): void {
    const openBeforeGrowth = this.openBefore[this.startAt.length]!;
    for (let years = 1; years <= MAX_EMPTY_YEARS; years++) {
      this.rebuild(this.fromYear, this.toYear + 1);
      if (this.openBefore[this.startAt.length]! > openBeforeGrowth) return;
    }
    throw new RangeError(`the calendar has no open time in ${MAX_EMPTY_YEARS} years`);
  }

  private spansOfYear(year: number): OpenSpan[] {
    let spans = this.yearCache.get(year);
    if (!spans) {
      spans = openSpansOfYear(this.rules, this.holidays, year, this.offsetsOfYear(year));
      this.yearCache.set(year, spans);
    }
    return spans;
  }

  private offsetsOfYear(year: number): OffsetSegment[] {
    let offsets = this.offsetCache.get(year);
    if (!offsets) {
      offsets = offsetSegmentsOfYear(this.rules.timeZone, year);
      this.offsetCache.set(year, offsets);
    }
    return offsets;
  }

  private localNewYear(year: number): number {
    return firstInstantAtWallTime(this.offsetsOfYear(year), Date.UTC(year, 0, 1));
  }

  private rebuild(fromYear: number, toYear: number): void {
    const spans: OpenSpan[] = [];
    for (let year = fromYear; year <= toYear; year++) {
      for (const span of this.spansOfYear(year)) {
        const last = spans[spans.length - 1];
        // A desk open across midnight of New Year's Eve is one span, not two.
        if (last && last.end >= span.start) last.end = Math.max(last.end, span.end);
        else spans.push({ ...span });
      }
    }
    const n = spans.length;
    this.startAt = new Float64Array(n);
    this.endAt = new Float64Array(n);
    this.openBefore = new Float64Array(n + 1);
    spans.forEach((span, i) => {
      this.startAt[i] = span.start;
      this.endAt[i] = span.end;
      this.openBefore[i + 1] = this.openBefore[i]! + (span.end - span.start);
    });
    this.fromYear = fromYear;
    this.toYear = toYear;
    this.coverStart = this.localNewYear(fromYear);
    this.coverEnd = this.localNewYear(toYear + 1);
    const days = Math.ceil((this.coverEnd - this.coverStart) / DAY_MS) + 1;
    this.firstSpanOfDay = new Int32Array(days);
    let i = 0;
    for (let k = 0; k < days; k++) {
      const dayStart = this.coverStart + k * DAY_MS;
      while (i < n && this.endAt[i]! <= dayStart) i++;
      this.firstSpanOfDay[k] = i;
    }
  }
}
