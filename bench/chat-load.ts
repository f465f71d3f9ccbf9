/**
 * The load both chat benches (Slack, Teams) put on a desk: per level of concurrency and per kind
 * of request a web process of its own, its sockets opened, the floor (once per level), a warm-up,
 * then the timed requests with some sent a second time, as the platforms retry or redeliver.
 * What a request is, how it is signed and what answer counts are the platform's.
 */
import { loadavg } from 'node:os';
import type { RunningDesk } from '../src/runtime/start-desk.ts';
import type { WebProcess } from './desk.ts';
import { drive, httpClient, latency, type HttpClient, type Latency, type Reply } from './http-load.ts';
import { intFromEnv } from './knobs.ts';

/** A retry follows its original this many requests later: often still in flight, or in its work. */
export const RETRY_LAG = 3;
/** Requests per level answered by the endpoint before any listener: its own cost, the floor. */
export const FLOOR_REQUESTS = 1000;

export interface ChatKnobs {
  requests: number;
  seconds: number;
  levels: number[];
  users: number;
  agents: number;
  retryEvery: number;
  warmUp: number;
}

/** The knobs of the `<PLATFORM>_BENCH_*` environment (see the top of slack.ts and teams.ts). */
export function chatKnobs(platform: 'SLACK' | 'TEAMS', requests: number): ChatKnobs {
  const knob = (name: string, fallback: number, min?: number) =>
    intFromEnv(`${platform}_BENCH_${name}`, fallback, min);
  return {
    requests: knob('REQUESTS', requests),
    seconds: knob('SECONDS', 10),
    levels: levelsFromEnv(`${platform}_BENCH_LEVELS`),
    users: knob('USERS', 50),
    agents: knob('AGENTS', 10),
    retryEvery: knob('RETRY_EVERY', 10, 0),
    warmUp: knob('WARM_UP', 50, 0),
  };
}

function levelsFromEnv(name: string): number[] {
  const raw = process.env[name]?.trim() || '50,200';
  const levels = raw.split(',').map((s) => Number(s.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`${name} must be whole numbers ≥ 1, comma-separated (got "${raw}")`);
  return levels;
}

/** One request as the platform makes it; `key` is what its outcome is found by. */
export interface ChatRequest {
  key: string;
  /** Sent a second time, as it was (Slack's retry, Teams' redelivery). */
  retry: boolean;
}

/** The originals in order, each `retryEvery`th sent again `RETRY_LAG` places after it (or at the end). */
export function withRetries<S extends ChatRequest>(originals: readonly S[], retryEvery: number): S[] {
  const out: S[] = [];
  const pending: { at: number; s: S }[] = [];
  for (const [i, s] of originals.entries()) {
    out.push(s);
    if (retryEvery > 0 && i % retryEvery === retryEvery - 1)
      pending.push({ at: i + RETRY_LAG, s: { ...s, retry: true } });
    while (pending.length > 0 && pending[0]!.at <= i) out.push(pending.shift()!.s);
  }
  out.push(...pending.map((p) => p.s));
  return out;
}

/** The floor at one level: `FLOOR_REQUESTS` the endpoint answers itself, on an idle desk. */
export interface Floor {
  connections: number;
  lat: Latency;
  perS: number;
  bad: number;
}

/** One kind at one level: its load. */
export interface KindFigures {
  connections: number;
  sent: number;
  retries: number;
  /** Of the answers that count, all of them and the retries'. */
  lat: Latency;
  retryLat: Latency;
  perS: number;
  wallMs: number;
  /** Answers that do not count (or failures below HTTP). */
  bad: Reply[];
  /** From the last answer to the web process stopped (for Slack, the work after the acks). */
  settleMs: number;
  load: [number, number];
}

export interface KindRun<S> {
  /** The timed requests sent before the deadline, in the order they went. */
  sentOnes: S[];
  /** Each of them with its answer. */
  results: { s: S; reply: Reply }[];
  figures: KindFigures;
  floor?: Floor;
}

export interface KindPlan<S extends ChatRequest> {
  connections: number;
  /** A kind stops sending after this long. */
  seconds: number;
  warm: readonly S[];
  planned: readonly S[];
  startWeb: () => Promise<WebProcess>;
  send: (client: HttpClient, s: S) => Promise<Reply>;
  /** The i-th of the requests the endpoint answers itself (the floor's), and which answer is right. */
  floorRequest: (client: HttpClient, i: number) => Promise<Reply>;
  floorOk: (r: Reply) => boolean;
  /** Measure the floor on this process, after its sockets are open and before the warm-up. */
  withFloor?: boolean;
  /** The answers that count. */
  ok: (r: Reply) => boolean;
  /** Wraps the timed part, e.g. to count what the process did in it. */
  timed?: <T>(web: RunningDesk, work: () => Promise<T>) => Promise<T>;
}

/**
 * One kind at one level on a web process of its own: every socket of the level opened before
 * anything is timed (a new process, a new client), the floor when asked, the warm-up (not timed),
 * the load (up to `seconds`), then the process stopped, which waits for what it still had to do.
 */
export async function measureKind<S extends ChatRequest>(plan: KindPlan<S>): Promise<KindRun<S>> {
  const { connections, warm, planned } = plan;
  const web = await plan.startWeb();
  const client = httpClient(web.url, connections);
  await drive(FLOOR_REQUESTS / 5, connections, (i) => plan.floorRequest(client, i));
  const floor = plan.withFloor ? await measureFloor(client, plan) : undefined;
  await drive(warm.length, connections, (i) => plan.send(client, warm[i]!));

  const load0 = loadavg()[0]!;
  const deadline = performance.now() + plan.seconds * 1000;
  const sentOnes: S[] = [];
  const timed = plan.timed ?? ((_web, work) => work());
  const done = await timed(web.desk, () =>
    drive(planned.length, connections, async (i) => {
      if (performance.now() > deadline) return undefined;
      const s = planned[i]!;
      sentOnes.push(s);
      return { s, reply: await plan.send(client, s) };
    }),
  );
  const lastAnswer = performance.now();
  const results = done.results.filter((r): r is { s: S; reply: Reply } => r !== undefined);
  client.close();
  await web.stop();
  const settleMs = performance.now() - lastAnswer;
  const { ok } = plan;
  return {
    sentOnes,
    results,
    floor,
    figures: {
      connections,
      sent: results.length,
      retries: results.filter((r) => r.s.retry).length,
      lat: latency(results.filter((r) => ok(r.reply)).map((r) => r.reply.ms)),
      retryLat: latency(results.filter((r) => r.s.retry && ok(r.reply)).map((r) => r.reply.ms)),
      perS: results.length / (done.wallMs / 1000),
      wallMs: done.wallMs,
      bad: results.map((r) => r.reply).filter((r) => !ok(r)),
      settleMs,
      load: [load0, loadavg()[0]!],
    },
  };
}

async function measureFloor<S extends ChatRequest>(client: HttpClient, plan: KindPlan<S>): Promise<Floor> {
  const floorRun = await drive(FLOOR_REQUESTS, plan.connections, (i) => plan.floorRequest(client, i));
  const floorOk = floorRun.results.filter(plan.floorOk);
  return {
    connections: plan.connections,
    lat: latency(floorOk.map((r) => r.ms)),
    perS: FLOOR_REQUESTS / (floorRun.wallMs / 1000),
    bad: FLOOR_REQUESTS - floorOk.length,
  };
}
