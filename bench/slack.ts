/**
 * The Slack benchmark: how fast `/slack/events` acks signed view_submissions of the new-ticket
 * modal under load, and that every submission opens exactly one ticket, Slack's retries included.
 *
 * The desk is the real one: `openDesk` on an empty temporary data directory starts the embedded
 * FerretDB (that handle seeds the directory and counts what was stored), and for each level of
 * concurrency `startDesk` serves the HTTP API as a `web` process of `npm start` does, with the
 * Slack channel configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL) and its own
 * connection to the same database. Slack's Web API is the tests' local stand-in, so nothing
 * leaves the machine. Stopping the web process waits for the Slack receiver's `settled()` (the
 * work acked but not yet done) before its database connection goes; the tickets are counted then.
 *
 * Each request is a distinct modal (its own view id: one ticket), form-encoded and signed as Slack
 * signs it (HMAC-SHA256 of `v0:<timestamp>:<raw body>`). Every `SLACK_BENCH_RETRY_EVERY`th one is
 * sent a second time a few requests later, with `x-slack-retry-num: 1`, while the first may still
 * be in flight or in its work after the ack. Before them, per level, signed `url_verification`
 * requests (answered by the endpoint itself) give the floor and open every socket of the level.
 *
 * Environment knobs (defaults in brackets): SLACK_BENCH_REQUESTS [2000] (distinct submissions per
 * level), SLACK_BENCH_SECONDS [15] (a level stops sending after this long), SLACK_BENCH_LEVELS
 * ["50,200"] (connections), SLACK_BENCH_USERS [50] (contacts linked to Slack users),
 * SLACK_BENCH_RETRY_EVERY [10], SLACK_BENCH_WARM_UP [50] (submissions per level, not timed).
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addContact, createOrganisation, linkIdentity } from '../src/app/directory.ts';
import { setTriagePlace } from '../src/app/messaging/messaging-admin.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log.ts';
import { openDesk } from '../src/runtime/open-desk.ts';
import { startDesk } from '../src/runtime/start-desk.ts';
import { SlackStandIn } from '../test/channels/slack/support/slack-stand-in.ts';
import { drive, fmtMs, fmtPerS, httpClient, latency, row, type Latency, type Reply } from './http-load.ts';
import { intFromEnv } from './knobs.ts';
import type { Bench, BenchReport, Check } from './run.ts';

/**
 * Target. Slack gives an app 3 s to ack, then retries; the listeners ack first and work after,
 * so the ack is a signature check, a parse and the person's language, and should stay far inside
 * that whatever the work queued behind it: p99 < 100 ms at 200 connections.
 */
const TARGET_P99_MS = 100;
const TARGET_AT = 200;
const SLACK_DEADLINE_MS = 3000;

const SIGNING_SECRET = 'bench-signing-secret';
const TEAM = 'T1';
const CONTRACT = 'stratiteq';
const TRIAGE_CHANNEL = 'CTRIAGE';
/** A retry follows its original this many requests later: often still in flight, or in its work. */
const RETRY_LAG = 3;
/** Signed URL checks per level, answered before any listener runs: the endpoint's own cost. */
const FLOOR_REQUESTS = 1000;
/** The English refusals a person is sent when the work after an ack fails (locales/en.json). */
const REFUSAL = /still under way|could not handle/;
/** The stratiteq contract's limit is 10. */
const CONTACTS_PER_ORGANISATION = 10;
const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'Finance needs them for the month-end close on Friday.';

interface Knobs {
  requests: number;
  seconds: number;
  levels: number[];
  users: number;
  retryEvery: number;
  warmUp: number;
}

function levelsFromEnv(): number[] {
  const raw = process.env.SLACK_BENCH_LEVELS?.trim() || '50,200';
  const levels = raw.split(',').map((s) => Number(s.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`SLACK_BENCH_LEVELS must be whole numbers ≥ 1, comma-separated (got "${raw}")`);
  return levels;
}

/** One request as Slack makes it: the raw form body, sent again as it was for a retry. */
interface Submission {
  raw: string;
  title: string;
  retry: boolean;
}

const slackUser = (i: number): string => `UBENCH${String(i).padStart(4, '0')}`;

function submission(level: string, n: number, user: string): { raw: string; title: string } {
  const title = `Slack bench ${level} #${n}: invoice export stops halfway`;
  const payload = {
    type: 'view_submission',
    team: { id: TEAM },
    api_app_id: 'A1',
    token: 'legacy',
    user: { id: user, team_id: TEAM },
    trigger_id: `trigger-${level}-${n}`,
    view: {
      id: `VBENCH${level.replace(/[^A-Za-z0-9]/g, '')}N${n}`,
      type: 'modal',
      callback_id: 'sladesk_ticket',
      private_metadata: '{}',
      state: {
        values: {
          title: { value: { type: 'plain_text_input', value: title } },
          description: { value: { type: 'plain_text_input', value: DESCRIPTION } },
          category: { value: { type: 'static_select', selected_option: { value: 'incident' } } },
          impact: { value: { type: 'static_select', selected_option: { value: 'several' } } },
        },
      },
    },
  };
  return { raw: `payload=${encodeURIComponent(JSON.stringify(payload))}`, title };
}

/** The originals in order, each retried one `RETRY_LAG` places after it (or at the end). */
function schedule(level: string, n: number, users: number, retryEvery: number): Submission[] {
  const originals = Array.from({ length: n }, (_, i) => ({
    ...submission(level, i, slackUser(i % users)),
    retry: false,
  }));
  const out: Submission[] = [];
  const pending: { at: number; s: Submission }[] = [];
  for (const [i, s] of originals.entries()) {
    out.push(s);
    if (retryEvery > 0 && i % retryEvery === retryEvery - 1)
      pending.push({ at: i + RETRY_LAG, s: { ...s, retry: true } });
    while (pending.length > 0 && pending[0]!.at <= i) out.push(pending.shift()!.s);
  }
  out.push(...pending.map((p) => p.s));
  return out;
}

function signedHeaders(raw: string, contentType: string, retry: boolean): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
    ...(retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}),
  };
}

interface Level {
  connections: number;
  floor: Latency;
  floorPerS: number;
  floorBad: number;
  sent: number;
  originals: number;
  retries: number;
  lat: Latency;
  retryLat: Latency;
  perS: number;
  wallMs: number;
  /** Answers other than an empty 200 (or failures below HTTP). */
  bad: Reply[];
  /** From the last answer to the receiver settled (web process stopped). */
  settleMs: number;
  ticketsStored: number;
  distinctTitles: number;
  expectedTitles: Set<string>;
  missing: number;
  doubled: number;
  /** Opened messages the stand-in was sent (chat.postMessage) during the level. */
  posted: number;
  /** Open claims taken over (generation ≥ 1): a holder still working was thought abandoned. */
  takeovers: number;
  /** Failures after the ack the person was told of in a DM ("still under way", "could not handle"). */
  refusals: number;
  load: [number, number];
}

async function run(): Promise<BenchReport> {
  const knobs: Knobs = {
    requests: intFromEnv('SLACK_BENCH_REQUESTS', 2000),
    seconds: intFromEnv('SLACK_BENCH_SECONDS', 15),
    levels: levelsFromEnv(),
    users: intFromEnv('SLACK_BENCH_USERS', 50),
    retryEvery: intFromEnv('SLACK_BENCH_RETRY_EVERY', 10, 0),
    warmUp: intFromEnv('SLACK_BENCH_WARM_UP', 50, 0),
  };
  const lines: string[] = [];
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-bench-slack-'));
  try {
    const slack = new SlackStandIn();
    await slack.start();
    cleanups.push(() => slack.stop());
    const env: NodeJS.ProcessEnv = {
      PORT: '0',
      HOST: '127.0.0.1',
      SLADESK_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    };
    const config = loadConfig(env);
    const logger = createLogger(config, process.stderr);
    const began = performance.now();
    const desk = await openDesk(config, logger);
    cleanups.push(() => desk.close());
    const db = desk.database.connection.db;
    if (!db) throw new Error('the desk has no open database');
    const deskOpenMs = performance.now() - began;

    // The triage channel, where each new ticket's card is posted, as on a desk that is set up.
    await setTriagePlace(desk.deps, 'slack', TRIAGE_CHANNEL);
    // The directory: customers (a contract allows so many contacts each), their contacts each
    // linked to a Slack user the stand-in knows.
    const organisationIds: string[] = [];
    for (let i = 0; i < knobs.users; i++) {
      if (i % CONTACTS_PER_ORGANISATION === 0) {
        const organisation = await createOrganisation(desk.deps, {
          name: `Bench Slack ${organisationIds.length + 1} AB`,
          contractId: CONTRACT,
          locale: 'en',
        });
        organisationIds.push(organisation.id);
      }
      const id = slackUser(i);
      const email = `${id.toLowerCase()}@bench.example`;
      const contact = await addContact(desk.deps, organisationIds.at(-1)!, { name: `Bench ${i}`, email });
      await linkIdentity(desk.deps, contact.id, { channel: 'slack', externalId: id, teamId: TEAM });
      slack.addUser({ id, email, locale: 'en-GB' });
    }
    // A generation above 0 is an open claim taken over from a holder that looked abandoned.
    const claims = db.collection<{ _id: string; generation: number }>('open_claims');
    const takeovers = () => claims.countDocuments({ generation: { $gte: 1 } });
    const tickets = db.collection<{ _id: string; title: string; organisationId: string }>('tickets');
    const webEnv = { ...env, MONGODB_URI: desk.database.uri };

    const levels: Level[] = [];
    for (const connections of knobs.levels) {
      const label = `c${connections}`;
      const web = await startDesk(loadConfig(webEnv), logger, new Set(['web']));
      let stopped = false;
      cleanups.push(() => (stopped ? undefined : web.stop()));
      if (!web.url) throw new Error('startDesk gave no URL');
      const client = httpClient(web.url, connections);
      const sendRaw = (raw: string, contentType: string, retry = false): Promise<Reply> =>
        client.call(
          'POST',
          '/slack/events',
          signedHeaders(raw, contentType, retry),
          Buffer.from(raw, 'utf8'),
        );
      const send = (s: Submission) => sendRaw(s.raw, 'application/x-www-form-urlencoded', s.retry);

      // The floor: Slack's URL check, signed, answered by the endpoint itself (no bolt, no
      // database), on an idle desk: what the HTTP server and the signature check cost at this level.
      const challenge = (i: number) =>
        JSON.stringify({ token: 'legacy', type: 'url_verification', challenge: `c${i}` });
      await drive(FLOOR_REQUESTS / 5, connections, (i) => sendRaw(challenge(i), 'application/json'));
      const floorRun = await drive(FLOOR_REQUESTS, connections, (i) =>
        sendRaw(challenge(i), 'application/json'),
      );
      const floorOk = floorRun.results.filter((r) => r.status === 200 && r.text.includes('"challenge"'));

      // Warm-up: JIT, the user cache (users.info once per user), pools; its tickets are counted too.
      const warm = schedule(`${label}w`, knobs.warmUp, knobs.users, 0);
      await drive(warm.length, connections, (i) => send(warm[i]!));

      const planned = schedule(label, knobs.requests, knobs.users, knobs.retryEvery);
      const postedBefore = slack.callsOf('chat.postMessage').length;
      const takeoversBefore = await takeovers();
      const load0 = loadavg()[0]!;
      const deadline = performance.now() + knobs.seconds * 1000;
      const sentOnes: Submission[] = [];
      const done = await drive(planned.length, connections, async (i) => {
        if (performance.now() > deadline) return undefined;
        const s = planned[i]!;
        sentOnes.push(s);
        return { s, reply: await send(s) };
      });
      const lastAnswer = performance.now();
      const results = done.results.filter((r): r is { s: Submission; reply: Reply } => r !== undefined);
      client.close();
      await web.stop(); // closes the server, then waits for the Slack receiver's settled()
      stopped = true;
      const settleMs = performance.now() - lastAnswer;
      const load1 = loadavg()[0]!;

      const ok = (r: Reply) => r.status === 200 && r.text === '';
      const bad = results.map((r) => r.reply).filter((r) => !ok(r));
      const expectedTitles = new Set([...warm, ...sentOnes].map((s) => s.title));
      const stored = await tickets
        .find({ organisationId: { $in: organisationIds }, title: { $regex: `^Slack bench ${label}[w ]` } })
        .project<{ title: string }>({ title: 1 })
        .toArray();
      const byTitle = new Map<string, number>();
      for (const t of stored) byTitle.set(t.title, (byTitle.get(t.title) ?? 0) + 1);
      levels.push({
        connections,
        floor: latency(floorOk.map((r) => r.ms)),
        floorPerS: FLOOR_REQUESTS / (floorRun.wallMs / 1000),
        floorBad: FLOOR_REQUESTS - floorOk.length,
        sent: results.length,
        originals: results.filter((r) => !r.s.retry).length,
        retries: results.filter((r) => r.s.retry).length,
        lat: latency(results.filter((r) => ok(r.reply)).map((r) => r.reply.ms)),
        retryLat: latency(results.filter((r) => r.s.retry && ok(r.reply)).map((r) => r.reply.ms)),
        perS: results.length / (done.wallMs / 1000),
        wallMs: done.wallMs,
        bad,
        settleMs,
        ticketsStored: stored.length,
        distinctTitles: byTitle.size,
        expectedTitles,
        missing: [...expectedTitles].filter((t) => !byTitle.has(t)).length,
        doubled: [...byTitle.values()].filter((n) => n > 1).length,
        posted: slack.callsOf('chat.postMessage').length - postedBefore,
        takeovers: (await takeovers()) - takeoversBefore,
        refusals: slack
          .callsOf('chat.postMessage')
          .slice(postedBefore)
          .filter((c) => REFUSAL.test(String(c.args.text ?? ''))).length,
        load: [load0, load1],
      });
    }

    // --- Report -------------------------------------------------------------------------------
    const w = [30, 6, 7, 10, 9, 9, 9, 9, 5, 9, 12];
    lines.push(
      `  up to ${knobs.requests} distinct view_submissions per level (or ${knobs.seconds} s), every ` +
        `${knobs.retryEvery || '-'}th sent again ${RETRY_LAG} requests later with x-slack-retry-num: 1, after ` +
        `${knobs.warmUp} warm-up submissions; ${knobs.users} contacts linked to Slack users;`,
      `  embedded FerretDB (SQLite) in a new temporary data directory (desk opened in ${fmtMs(deskOpenMs)}); ` +
        `a web process per level (startDesk, Slack in HTTP mode, Web API: the local stand-in)`,
      '',
      row(
        [
          'conns, requests',
          'sent',
          'retries',
          'acks/s',
          'p50',
          'p90',
          'p99',
          'max',
          'bad',
          'settle',
          'tickets',
        ],
        w,
      ),
      ...levels.map((l) =>
        row(
          [
            `${l.connections} url_verification (floor)`,
            String(FLOOR_REQUESTS),
            '-',
            fmtPerS(l.floorPerS),
            fmtMs(l.floor.p50),
            fmtMs(l.floor.p90),
            fmtMs(l.floor.p99),
            fmtMs(l.floor.max),
            String(l.floorBad),
            '-',
            '-',
          ],
          w,
        ),
      ),
      ...levels.map((l) =>
        row(
          [
            `${l.connections} view_submission`,
            String(l.sent),
            String(l.retries),
            fmtPerS(l.perS),
            fmtMs(l.lat.p50),
            fmtMs(l.lat.p90),
            fmtMs(l.lat.p99),
            fmtMs(l.lat.max),
            String(l.bad.length),
            fmtMs(l.settleMs),
            `${l.ticketsStored}/${l.expectedTitles.size}`,
          ],
          w,
        ),
      ),
      '',
      ...levels.map(
        (l) =>
          `  ${l.connections} conns: sent for ${fmtMs(l.wallMs)}; retries' acks p50 ${fmtMs(l.retryLat.p50)}, p99 ` +
          `${fmtMs(l.retryLat.p99)}; the work after the acks took ${fmtMs(l.settleMs)} more ` +
          `(${fmtPerS(l.expectedTitles.size / ((l.wallMs + l.settleMs) / 1000))} tickets opened end to end); ` +
          `${l.posted} chat.postMessage to the stand-in, ${l.refusals} of them telling the person it failed; load average ${l.load[0].toFixed(1)}→${l.load[1].toFixed(1)}`,
      ),
      `  (settle: from the last answer to the web process stopped, which waits for the receiver's settled(); ` +
        `tickets: stored / distinct submissions, warm-up included. The HTTP client runs in the server's process.)`,
    );
    for (const l of levels) {
      const first = l.bad[0];
      check(
        `${l.connections} conns: signed URL checks answered with their challenge`,
        l.floorBad === 0,
        `${FLOOR_REQUESTS - l.floorBad}/${FLOOR_REQUESTS}`,
      );
      check(
        `${l.connections} conns: every request acked with an empty 200`,
        l.bad.length === 0 && l.sent > 0,
        `${l.sent - l.bad.length}/${l.sent}` +
          (first ? `; first: ${first.status} ${first.failure ?? first.text.slice(0, 200)}` : ''),
      );
      check(
        `${l.connections} conns: one ticket per distinct submission, none lost or doubled`,
        l.missing === 0 && l.doubled === 0 && l.ticketsStored === l.expectedTitles.size,
        `${l.ticketsStored} tickets for ${l.expectedTitles.size} distinct submissions (${l.retries} retried): ` +
          `${l.missing} missing, ${l.doubled} doubled; ${l.takeovers} open claims taken over as abandoned`,
      );
      check(
        `${l.connections} conns: ack max inside Slack's deadline`,
        l.lat.max < SLACK_DEADLINE_MS,
        `${fmtMs(l.lat.max)} (< ${fmtMs(SLACK_DEADLINE_MS)})`,
      );
      if (l.connections === TARGET_AT)
        check(
          `ack p99 at ${TARGET_AT} connections`,
          l.lat.p99 < TARGET_P99_MS,
          `${fmtMs(l.lat.p99)} (target < ${fmtMs(TARGET_P99_MS)})`,
        );
    }
    return { lines, checks };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[slack] cleanup failed: ${String(error)}`);
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

const bench: Bench = {
  name: 'slack',
  description: 'how fast /slack/events acks signed modal submissions under load, and one ticket each',
  run,
};
export default bench;
