const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's offset from UTC at an instant, in ms, read from the wall clock Intl shows for it.
 * (date-fns-tz's getTimezoneOffset is off by an hour just after a spring-forward change.)
 */
export function offsetAt(timeZone: string, ms: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const field: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) field[part.type] = Number(part.value);
  const wall = Date.UTC(field.year!, field.month! - 1, field.day!, field.hour!, field.minute!, field.second!);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** A stretch of UTC time [start, end) over which a time zone keeps one offset from UTC (ms). */
export interface OffsetSegment {
  start: number;
  end: number;
  offset: number;
}

const DAY_MS = 86_400_000;
/** Wider than any zone's offset, so a UTC year plus this margin holds the whole local year. */
const MARGIN_MS = 2 * DAY_MS;

/**
 * The offsets of a time zone through one calendar year, as segments split at each change.
 *
 * Opening hours are wall-clock times, and a wall-clock time can be missing (spring forward) or
 * happen twice (fall back). Mapping through these segments makes the desk open exactly while the
 * wall clock shows a time inside its hours: a gap opens nothing, an overlap is open both times.
 * Zones change offset at most a few times a year and never twice in a day, so sampling daily and
 * bisecting a change to the millisecond finds every change.
 */
export function offsetSegmentsOfYear(timeZone: string, year: number): OffsetSegment[] {
  const from = Date.UTC(year, 0, 1) - MARGIN_MS;
  const to = Date.UTC(year + 1, 0, 1) + MARGIN_MS;
  const segments: OffsetSegment[] = [];
  let start = from;
  let offset = offsetAt(timeZone, from);
  for (let previous = from; previous < to;) {
    const probe = Math.min(previous + DAY_MS, to);
    if (offsetAt(timeZone, probe) !== offset) {
      let lo = previous;
      let hi = probe;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      segments.push({ start, end: hi, offset });
      start = hi;
      offset = offsetAt(timeZone, hi);
      previous = hi;
    } else {
      previous = probe;
    }
  }
  segments.push({ start, end: to, offset });
  return segments;
}

/**
 * The instants whose wall clock lies in [wallStart, wallEnd) (both as "UTC-coded" wall times:
 * Date.UTC of the local fields), as ordered, non-overlapping spans.
 */
export function instantsShowingWallTime(
  segments: readonly OffsetSegment[],
  wallStart: number,
  wallEnd: number,
): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (const { start, end, offset } of segments) {
    const lo = Math.max(start, wallStart - offset);
    const hi = Math.min(end, wallEnd - offset);
    if (lo >= hi) continue;
    const last = spans[spans.length - 1];
    if (last && last.end >= lo) last.end = Math.max(last.end, hi);
    else spans.push({ start: lo, end: hi });
  }
  return spans;
}

/** The first instant at which the wall clock shows `wall` or later (the jump, if `wall` is skipped). */
export function firstInstantAtWallTime(segments: readonly OffsetSegment[], wall: number): number {
  for (const { start, end, offset } of segments) {
    const candidate = wall - offset;
    if (candidate < start) return start;
    if (candidate < end) return candidate;
  }
  throw new RangeError('wall time outside the segments');
}

/** Each zone's years, as computed once: a year costs some four hundred Intl look-ups. */
const yearsOfZones = new Map<string, OffsetSegment[]>();

function segmentsOfYear(timeZone: string, year: number): OffsetSegment[] {
  const key = `${timeZone} ${year}`;
  let segments = yearsOfZones.get(key);
  if (!segments) {
    segments = offsetSegmentsOfYear(timeZone, year);
    yearsOfZones.set(key, segments);
  }
  return segments;
}

/** The instant a local wall-clock time names in `timeZone` (its first, or the jump over a gap). */
export function instantOfWallTime(timeZone: string, wall: number): number {
  return firstInstantAtWallTime(segmentsOfYear(timeZone, new Date(wall).getUTCFullYear()), wall);
}
