/**
 * The report both chat benches print: one table of latency figures (the floor's rows, then a row
 * per level and kind) and the checks that read the same for both; the words are the platform's.
 */
import type { Floor, KindFigures } from './chat-load.ts';
import { FLOOR_REQUESTS } from './chat-load.ts';
import { fmtMs, fmtPerS, row } from './http-load.ts';
import type { Check } from './run.ts';

/** 1050 as "1 050", as the tables write counts. */
export const fmtCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

export interface TableWords {
  /** The first column's head, e.g. "conns, requests". */
  what: string;
  resent: string;
  perS: string;
  /** The head of the column the platform fills in (after "bad"). */
  extra: string;
  /** What a floor row's requests are, e.g. "url_verification". */
  floor: string;
}

export interface TableRow {
  name: string;
  figures: KindFigures;
  extra: string;
  outcome: string;
}

const latencyCells = (f: { lat: KindFigures['lat'] }) => [
  fmtMs(f.lat.p50),
  fmtMs(f.lat.p90),
  fmtMs(f.lat.p99),
  fmtMs(f.lat.max),
];

/** The head, a row per floor, a row per level and kind. */
export function loadTable(
  widths: readonly number[],
  words: TableWords,
  floors: readonly Floor[],
  rows: readonly TableRow[],
): string[] {
  const { what, resent, perS, extra } = words;
  return [
    row([what, 'sent', resent, perS, 'p50', 'p90', 'p99', 'max', 'bad', extra, 'outcome'], widths),
    ...floors.map((f) =>
      row(
        [
          `${f.connections} ${words.floor} (floor)`,
          String(FLOOR_REQUESTS),
          '-',
          fmtPerS(f.perS),
          ...latencyCells(f),
          String(f.bad),
          '-',
          '-',
        ],
        widths,
      ),
    ),
    ...rows.map((r) =>
      row(
        [
          r.name,
          String(r.figures.sent),
          String(r.figures.retries),
          fmtPerS(r.figures.perS),
          ...latencyCells(r.figures),
          String(r.figures.bad.length),
          r.extra,
          r.outcome,
        ],
        widths,
      ),
    ),
  ];
}

/** A note's start: how long a kind sent, and how its retries were answered (`retried` says who). */
export const sentFor = (name: string, m: KindFigures, retried: string): string =>
  `  ${name}: sent for ${fmtMs(m.wallMs)}` +
  (m.retries > 0 ? `; ${retried} p50 ${fmtMs(m.retryLat.p50)}, p99 ${fmtMs(m.retryLat.p99)}` : '');

/** Every floor request answered as the endpoint answers it (`what`: how that is said). */
export const floorChecks = (floors: readonly Floor[], what: string): Check[] =>
  floors.map((f) => ({
    name: `${f.connections} conns: ${what}`,
    ok: f.bad === 0,
    detail: `${FLOOR_REQUESTS - f.bad}/${FLOOR_REQUESTS}`,
  }));

/** Every request of a kind answered as the platform takes it; the first that was not, shown. */
export function answeredCheck(name: string, m: KindFigures): Check {
  const first = m.bad[0];
  return {
    name,
    ok: m.bad.length === 0 && m.sent > 0,
    detail:
      `${m.sent - m.bad.length}/${m.sent}` +
      (first ? `; first: ${first.status} ${first.failure ?? first.text.slice(0, 200)}` : ''),
  };
}

/** The slowest answer inside what the platform waits before it gives up on one. */
export const deadlineCheck = (name: string, slowestMs: number, deadlineMs: number): Check => ({
  name,
  ok: slowestMs < deadlineMs,
  detail: `${fmtMs(slowestMs)} (< ${fmtMs(deadlineMs)})`,
});

/** p99 against the target; `note` says what the figure means where it differs. */
export const p99Check = (name: string, m: KindFigures, targetMs: number, note = ''): Check => ({
  name,
  ok: m.lat.p99 < targetMs,
  detail: `${fmtMs(m.lat.p99)} (target < ${fmtMs(targetMs)}${note})`,
});
