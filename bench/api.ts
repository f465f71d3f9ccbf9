/**
 * The HTTP API benchmark: tickets opened per second through `POST /api/tickets` (at a fixed number
 * of keep-alive connections, then one at a time) with their latency; what rescheduling a ticket's
 * SLA timers costs (`timers.replace` directly, and `POST …/actions/priority` end to end against a
 * plain `GET`); and, as a yardstick taken in the same run on the same database, raw driver
 * `insertOne`s of a ticket-sized document. It also counts the database commands each request
 * costs, on a second web process whose driver reports every command.
 *
 * The desk is the real one: `openDesk` on an empty temporary data directory starts the embedded
 * FerretDB (that handle seeds the directory and times the scheduler), and `startDesk` serves the
 * HTTP API as a `web` process does, with its own connection to the same database. With MONGODB_URI
 * set, the same run is repeated on that server, in a database of its own that is dropped after.
 *
 * Environment knobs (defaults in brackets): API_BENCH_OPENS [1000], API_BENCH_SERIAL_OPENS [200],
 * API_BENCH_CONCURRENCY [8], API_BENCH_TIMER_TICKETS [300], API_BENCH_ACTION_TICKETS [200],
 * API_BENCH_PROFILE [20] (requests per kind whose database commands are counted).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { addAgent, addContact, createOrganisation } from '../src/app/directory.ts';
import { loadConfig } from '../src/config/config.ts';
import { plannedTimers, type SlaTimer } from '../src/domain/tickets/sla-clock.ts';
import { DEFAULT_JOBS_COLLECTION, SLA_STEP_JOB } from '../src/jobs/job-names.ts';
import { createLogger, redactUriCredentials } from '../src/log.ts';
import { openDesk } from '../src/runtime/open-desk.ts';
import { startDesk, type RunningDesk } from '../src/runtime/start-desk.ts';
import { MongoApiKeyRepository } from '../src/store/mongo/api-key-repository.ts';
import { drive, fmtMs, fmtPerS, httpClient, latency, row, type HttpClient, type Latency, type Reply } from './http-load.ts';
import type { Bench, BenchReport, Check } from './run.ts';

/**
 * Targets, met with a wide margin by the embedded FerretDB on a small shared machine. A service
 * desk opens tens to a few hundred tickets a day, so throughput only has to be far above any burst
 * (an alert storm, a whole customer reporting the same outage in one minute); what matters is that
 * the person who opens a ticket, or the agent who changes it, never waits long.
 */
const TARGET_OPENS_PER_S = 20;
const TARGET_OPEN_P99_MS = 1000;
const TARGET_SERIAL_OPEN_P99_MS = 500;
const TARGET_PRIORITY_P99_MS = 500;
const TARGET_REPLACE_P99_MS = 250;

const CONTRACT = 'stratiteq';
/** The stratiteq preset opens at P3 (8 h response); P1 (2 h) moves every timer. */
const OTHER_PRIORITY = 'P1';
const ROUNDS = 4;
const WARM_UP_OPENS = 50;
const WARM_UP_INSERTS = 100;
const FLOOR_REQUESTS = 200;
const ACTION_WARM_UP = 10;
const RAW_COLLECTION = 'bench_raw_inserts';
const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'About 40 % of yesterday’s invoices are missing on the ERP side, and finance needs them for ' +
  'the month-end close on Friday. We have restarted the export job twice; the second run failed at ' +
  'the same invoice. Log excerpt and the job id are attached in the shared folder.';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return n;
}

interface Knobs {
  opens: number;
  serialOpens: number;
  concurrency: number;
  timerTickets: number;
  actionTickets: number;
  profile: number;
}

// ---------------------------------------------------------------------------------------------
// URIs

const URI_PARTS = /^(mongodb(?:\+srv)?:\/\/[^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/;

function uriParts(uri: string): { base: string; database: string; query: string } {
  const m = URI_PARTS.exec(uri);
  if (!m) throw new Error(`not a MongoDB URI: ${redactUriCredentials(uri)}`);
  return { base: m[1]!, database: decodeURIComponent(m[2] ?? ''), query: m[3] ?? '' };
}

function joinUri(base: string, database: string, query: string): string {
  return `${base}/${encodeURIComponent(database)}${query ? `?${query}` : ''}`;
}

/**
 * The same server under another database name. Credentials in a URI authenticate against the
 * database it names (or `admin`), so that stays the `authSource` unless one is given.
 */
function withDatabase(uri: string, database: string): string {
  const { base, database: named, query } = uriParts(uri);
  const hasCredentials = /^mongodb(?:\+srv)?:\/\/[^/?#]*@/.test(base);
  const params = new URLSearchParams(query);
  if (hasCredentials && !params.has('authSource')) params.set('authSource', named || 'admin');
  return joinUri(base, database, params.toString());
}

function withOption(uri: string, name: string, value: string): string {
  const { base, database, query } = uriParts(uri);
  const params = new URLSearchParams(query);
  params.set(name, value);
  return joinUri(base, database, params.toString());
}

// ---------------------------------------------------------------------------------------------
// Figures

interface Phase {
  label: string;
  concurrency: number;
  lat: Latency;
  /** Completed per second of wall time (for one-at-a-time calls: 1 / mean). */
  perS: number;
  errors: number;
}

function phaseOf(label: string, concurrency: number, samples: readonly number[], wallMs: number, errors: number): Phase {
  return { label, concurrency, lat: latency(samples), perS: (samples.length + errors) / (wallMs / 1000), errors };
}

/** Per request kind: database commands sent (by command and collection) and their summed time. */
interface Profile {
  requests: number;
  commands: Map<string, number>;
  total: number;
  dbMs: number;
  wallMs: number;
}

function describeProfile(p: Profile): string {
  const per = (x: number) => x / p.requests;
  const parts = [...p.commands.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([what, n]) => `${what} ${Number.isInteger(per(n)) ? per(n) : per(n).toFixed(1)}`);
  return `${per(p.total).toFixed(1)} commands (${parts.join(', ')})`;
}

interface TargetResult {
  lines: string[];
  checks: Check[];
}

interface Failure {
  status: number;
  text: string;
  failure?: string;
}

const firstFailure = (failures: readonly Failure[]): string =>
  failures.length === 0
    ? ''
    : `; first: ${failures[0]!.status} ${failures[0]!.failure ?? failures[0]!.text.slice(0, 200)}`;

// ---------------------------------------------------------------------------------------------
// One database

async function measure(label: string, knobs: Knobs, externalUri: string | undefined): Promise<TargetResult> {
  const lines: string[] = [];
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name: `${label}: ${name}`, ok, detail });
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-bench-api-'));
  const benchDatabase = `sladesk_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    SLADESK_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(externalUri ? { MONGODB_URI: withDatabase(externalUri, benchDatabase) } : {}),
  };
  try {
    const config = loadConfig(env);
    // Warnings and errors only, on stderr so the tables stay readable; notifications are `info`.
    const logger = createLogger(config, process.stderr);

    const startedAt = performance.now();
    const desk = await openDesk(config, logger);
    cleanups.push(() => desk.close());
    const db = desk.database.connection.db;
    if (!db) throw new Error('the desk has no open database');
    if (externalUri) cleanups.push(() => db.dropDatabase());
    const openMs = performance.now() - startedAt;

    // The web process: the HTTP API as `npm start`/the Procfile's `web` runs it, with its own pool.
    const webEnv = { ...env, MONGODB_URI: desk.database.uri };
    const web = await startDesk(loadConfig(webEnv), logger, new Set(['web']));
    cleanups.push(() => web.stop());
    if (!web.url) throw new Error('startDesk gave no URL');
    const client = httpClient(web.url, knobs.concurrency);
    cleanups.push(() => client.close());

    // The directory: one customer on the stratiteq contract, a contact with the org's key, an agent.
    const organisation = await createOrganisation(desk.deps, { name: 'Bench AB', contractId: CONTRACT, locale: 'sv' });
    const contact = await addContact(desk.deps, organisation.id, { name: 'Bea Bench', email: 'bea@bench.example' });
    const agent = await addAgent(desk.deps, { name: 'Alva Agent', email: 'alva@desk.example' });
    const apiKeys = new MongoApiKeyRepository(desk.database.connection);
    await apiKeys.ensureIndexes();
    const orgKey = (await apiKeys.create({ kind: 'organisation', organisationId: organisation.id }, 'bench')).key;
    const adminKey = (await apiKeys.create({ kind: 'admin' }, 'bench')).key;
    const asContact = { authorization: `Bearer ${orgKey}`, 'x-sladesk-person': contact.id };
    const asAgent = { authorization: `Bearer ${adminKey}`, 'x-sladesk-person': agent.id };
    const contract = desk.deps.contracts.contract(CONTRACT);

    // --- Opening tickets -------------------------------------------------------------------
    const opened: string[] = [];
    const openFailures: Failure[] = [];
    let openSeq = 0;
    const openVia = async (api: HttpClient): Promise<Reply> => {
      const n = ++openSeq;
      const reply = await api.call('POST', '/api/tickets', asContact, {
        category: 'incident',
        title: `Bench ${n}: invoice export to the ERP stops halfway`,
        description: DESCRIPTION,
      });
      if (reply.status === 201) opened.push((JSON.parse(reply.text) as { id: string }).id);
      else openFailures.push(reply);
      return reply;
    };
    const raw = db.collection(RAW_COLLECTION);
    let rawSeq = 0;
    let rawDocument: Document | undefined;
    const rawFailures: Failure[] = [];
    const insertRaw = async (): Promise<Reply> => {
      const document = { ...rawDocument, _id: `RAW-${++rawSeq}` };
      const started = performance.now();
      try {
        await raw.insertOne(document);
        return { status: 201, text: '', ms: performance.now() - started };
      } catch (error) {
        const failed = { status: 0, text: '', failure: String(error), ms: performance.now() - started };
        rawFailures.push(failed);
        return failed;
      }
    };
    const collect = (replies: readonly Reply[], okStatus: number) => ({
      ms: replies.filter((r) => r.status === okStatus).map((r) => r.ms),
      errors: replies.filter((r) => r.status !== okStatus).length,
    });

    // The HTTP floor: an unknown route is answered before any key check or database call.
    await drive(20, 1, () => client.call('GET', '/bench/no-such-route'));
    const floorRun = await drive(FLOOR_REQUESTS, 1, () => client.call('GET', '/bench/no-such-route'));
    const floorReplies = collect(floorRun.results, 404);
    const floor = phaseOf('GET unknown route (HTTP only, no DB)', 1, floorReplies.ms, floorRun.wallMs, floorReplies.errors);

    // Warm-up: the first opens build the counters, caches and JIT; then a ticket to copy for raw inserts.
    await drive(WARM_UP_OPENS, knobs.concurrency, () => openVia(client));
    const sample = opened[0] === undefined ? null : await db.collection('tickets').findOne({ _id: opened[0] as never });
    if (!sample) throw new Error(`no ticket to copy; the opens failed${firstFailure(openFailures)}`);
    const { _id: _sampleId, ...ticketDocument } = sample;
    rawDocument = ticketDocument;
    const documentBytes = BSON.calculateObjectSize(sample);
    await drive(WARM_UP_INSERTS, knobs.concurrency, insertRaw);
    const warmUpFailures = openFailures.length;

    // Concurrent: opens and raw inserts in alternating rounds, so drift on a noisy machine hits both.
    const c8 = { open: [] as number[], openErrors: 0, openWall: 0, raw: [] as number[], rawErrors: 0, rawWall: 0 };
    const perRound = Math.max(1, Math.ceil(knobs.opens / ROUNDS));
    for (let done = 0; done < knobs.opens; done += perRound) {
      const n = Math.min(perRound, knobs.opens - done);
      const opens = await drive(n, knobs.concurrency, () => openVia(client));
      const o = collect(opens.results, 201);
      c8.open.push(...o.ms);
      c8.openErrors += o.errors;
      c8.openWall += opens.wallMs;
      const inserts = await drive(n, knobs.concurrency, insertRaw);
      const r = collect(inserts.results, 201);
      c8.raw.push(...r.ms);
      c8.rawErrors += r.errors;
      c8.rawWall += inserts.wallMs;
    }
    const openC8 = phaseOf('POST /api/tickets', knobs.concurrency, c8.open, c8.openWall, c8.openErrors);
    const rawC8 = phaseOf('raw insertOne, ticket-sized', knobs.concurrency, c8.raw, c8.rawWall, c8.rawErrors);

    // One at a time.
    const serialOpens = await drive(knobs.serialOpens, 1, () => openVia(client));
    const so = collect(serialOpens.results, 201);
    const openC1 = phaseOf('POST /api/tickets', 1, so.ms, serialOpens.wallMs, so.errors);
    const serialInserts = await drive(knobs.serialOpens, 1, insertRaw);
    const si = collect(serialInserts.results, 201);
    const rawC1 = phaseOf('raw insertOne, ticket-sized', 1, si.ms, serialInserts.wallMs, si.errors);

    // What the opens left in the database: one ticket, one "opened" audit event and its timers each.
    const ticketsStored = await db.collection('tickets').countDocuments({ organisationId: organisation.id });
    const openedEvents = await db.collection('audit_events').countDocuments({ type: 'opened' });
    const jobs = db.collection(DEFAULT_JOBS_COLLECTION);
    const timerJobs = await jobs.countDocuments({ name: SLA_STEP_JOB });
    const firstTicket = await desk.deps.tickets.get(opened[0]!);
    const timersPerTicket = firstTicket ? plannedTimers(firstTicket, contract).length : 0;
    const distinctIds = new Set(opened).size;
    const openAttempts = openSeq;

    // --- Database commands per request, on a second web process whose driver reports them ------
    const known = new Set(mongoose.connections);
    const profiled: RunningDesk = await startDesk(
      loadConfig({ ...webEnv, MONGODB_URI: withOption(desk.database.uri, 'monitorCommands', 'true') }),
      logger,
      new Set(['web']),
    );
    cleanups.push(() => profiled.stop());
    const profiledConnection = mongoose.connections.find((c) => !known.has(c));
    if (!profiled.url || !profiledConnection) throw new Error('could not find the profiled web process');
    const profiledClient = httpClient(profiled.url, 1);
    cleanups.push(() => profiledClient.close());
    let current: Profile | undefined;
    const pending = new Map<number, string>();
    const driver = profiledConnection.getClient();
    driver.on('commandStarted', (event) => {
      if (!current) return;
      const collection = (event.command as Record<string, unknown>)[event.commandName];
      const what = typeof collection === 'string' ? `${event.commandName} ${collection}` : event.commandName;
      current.total++;
      current.commands.set(what, (current.commands.get(what) ?? 0) + 1);
      pending.set(event.requestId, what);
    });
    const finished = (event: { requestId: number; duration: number }) => {
      if (current && pending.delete(event.requestId)) current.dbMs += event.duration;
    };
    driver.on('commandSucceeded', finished);
    driver.on('commandFailed', finished);
    const profile = async (n: number, request: (i: number) => Promise<Reply>): Promise<Profile> => {
      current = { requests: n, commands: new Map(), total: 0, dbMs: 0, wallMs: 0 };
      const taken = current;
      const run = await drive(n, 1, request);
      taken.wallMs = run.results.reduce((sum, r) => sum + r.ms, 0);
      current = undefined;
      return taken;
    };
    const beforeProfile = opened.length;
    await drive(3, 1, () => openVia(profiledClient));
    const openProfile = await profile(knobs.profile, () => openVia(profiledClient));
    const profiledTickets = opened.slice(beforeProfile + 3, beforeProfile + 3 + knobs.profile);
    const getProfile = await profile(profiledTickets.length, (i) =>
      profiledClient.call('GET', `/api/tickets/${profiledTickets[i]!}`, asAgent),
    );
    const priorityProfile = await profile(profiledTickets.length, (i) =>
      profiledClient.call('POST', `/api/tickets/${profiledTickets[i]!}/actions/priority`, asAgent, {
        priority: OTHER_PRIORITY,
      }),
    );
    const replaceProfile = await profile(profiledTickets.length, async (i) => {
      // The scheduler alone, straight after the priority change above: the plan is already in place.
      const ticket = await desk.deps.tickets.get(profiledTickets[i]!);
      const started = performance.now();
      if (ticket) await profiledSchedulerReplace(profiledTickets[i]!, plannedTimers(ticket, contract));
      return { status: 200, text: '', ms: performance.now() - started };
    });
    async function profiledSchedulerReplace(_ticketId: string, _timers: SlaTimer[]): Promise<void> {
      // The profiled process exposes no deps; its scheduler is reached through a priority change
      // instead. Left empty on purpose: see `replaceCommands` below.
    }
    void replaceProfile;
    await profiled.stop();
    profiledClient.close();

    // --- Rescheduling: timers.replace on tickets opened above ----------------------------------
    const pool = opened.slice(0, beforeProfile);
    const timerIds = pool.slice(0, Math.min(knobs.timerTickets, Math.floor(pool.length / 2)));
    const actionIds = pool.slice(timerIds.length, timerIds.length + Math.min(knobs.actionTickets, pool.length - timerIds.length));
    const jobsOf = (ticketId: string) =>
      jobs
        .find<{ _id: unknown; nextRunAt?: Date; data?: { step?: string } }>(
          { name: SLA_STEP_JOB, 'data.ticketId': ticketId },
          { projection: { nextRunAt: 1, data: 1 } },
        )
        .toArray();
    const matches = (stored: Awaited<ReturnType<typeof jobsOf>>, plan: readonly SlaTimer[]) =>
      stored.length === plan.length &&
      plan.every((t) => stored.some((j) => j.data?.step === t.step && j.nextRunAt?.getTime() === t.at.getTime()));
    const times = { noop: [] as number[], move: [] as number[], cancel: [] as number[] };
    const wrong = { noop: 0, move: 0, cancel: 0, unmoved: 0 };
    const replace = desk.deps.timers;
    const timed = async (into: number[], work: () => Promise<void>) => {
      const started = performance.now();
      await work();
      into.push(performance.now() - started);
    };
    for (const ticketId of timerIds) {
      const ticket = await desk.deps.tickets.get(ticketId);
      if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
      const same = plannedTimers(ticket, contract);
      const moved = plannedTimers({ ...ticket, priority: OTHER_PRIORITY }, contract);
      if (moved.some((t) => same.some((s) => s.step === t.step && s.at.getTime() === t.at.getTime()))) wrong.unmoved++;
      const before = await jobsOf(ticketId);
      await timed(times.noop, () => replace.replace(ticketId, same));
      const afterNoop = await jobsOf(ticketId);
      const sameIds = (a: typeof before, b: typeof before) =>
        a.length === b.length && a.every((j) => b.some((k) => String(k._id) === String(j._id)));
      if (!matches(afterNoop, same) || !sameIds(before, afterNoop)) wrong.noop++;
      await timed(times.move, () => replace.replace(ticketId, moved));
      if (!matches(await jobsOf(ticketId), moved)) wrong.move++;
      await timed(times.cancel, () => replace.replace(ticketId, []));
      if ((await jobsOf(ticketId)).length !== 0) wrong.cancel++;
    }
    const noopPhase = phaseOf('timers.replace: same plan (no-op)', 1, times.noop, sum(times.noop), 0);
    const movePhase = phaseOf(`timers.replace: all ${timersPerTicket} timers move`, 1, times.move, sum(times.move), 0);
    const cancelPhase = phaseOf('timers.replace: cancel (empty plan)', 1, times.cancel, sum(times.cancel), 0);

    // --- End to end: a priority change against a plain read, interleaved, one at a time ---------
    const gets: number[] = [];
    const priorities: number[] = [];
    const actionFailures: Failure[] = [];
    for (const [i, ticketId] of actionIds.entries()) {
      const got = await client.call('GET', `/api/tickets/${ticketId}`, asAgent);
      const changed = await client.call('POST', `/api/tickets/${ticketId}/actions/priority`, asAgent, {
        priority: OTHER_PRIORITY,
      });
      if (got.status !== 200) actionFailures.push(got);
      if (changed.status !== 200 || (JSON.parse(changed.text) as { priority?: string }).priority !== OTHER_PRIORITY)
        actionFailures.push(changed);
      if (i < ACTION_WARM_UP) continue;
      if (got.status === 200) gets.push(got.ms);
      if (changed.status === 200) priorities.push(changed.ms);
    }
    let actionTimersWrong = 0;
    for (const ticketId of actionIds) {
      const ticket = await desk.deps.tickets.get(ticketId);
      if (!ticket || ticket.priority !== OTHER_PRIORITY || !matches(await jobsOf(ticketId), plannedTimers(ticket, contract)))
        actionTimersWrong++;
    }
    const getPhase = phaseOf('GET /api/tickets/:id', 1, gets, sum(gets), 0);
    const priorityPhase = phaseOf('POST …/actions/priority', 1, priorities, sum(priorities), 0);

    // --- Report ---------------------------------------------------------------------------------
    const where = externalUri
      ? `MONGODB_URI ${redactUriCredentials(withDatabase(externalUri, benchDatabase))} (database dropped afterwards)`
      : 'embedded FerretDB (SQLite) in a new temporary data directory';
    const w = [40, 5, 6, 10, 9, 9, 9, 9, 6];
    const phaseRow = (p: Phase) =>
      row(
        [p.label, String(p.concurrency), String(p.lat.n), fmtPerS(p.perS), fmtMs(p.lat.p50), fmtMs(p.lat.p90), fmtMs(p.lat.p99), fmtMs(p.lat.max), String(p.errors)],
        w,
      );
    const openRatio8 = openC8.perS / rawC8.perS;
    const openRatio1 = openC1.perS / rawC1.perS;
    const priorityRatio = priorityPhase.lat.p50 / getPhase.lat.p50;
    const dbShare = (p: Profile) => `${fmtMs(p.dbMs / p.requests)} of ${fmtMs(p.wallMs / p.requests)} in the database`;
    lines.push(
      `  ${label}: ${where}`,
      `  desk opened in ${fmtMs(openMs)}; the ticket document is ${documentBytes} B of BSON; each open schedules ` +
        `${timersPerTicket} SLA timer jobs (${CONTRACT}, ${firstTicket?.priority ?? '?'}), writes its audit event ` +
        `and tells the requester and triage (log notifier, level warn)`,
      '',
      row(['', 'conns', 'n', 'rate', 'p50', 'p90', 'p99', 'max', 'errors'], w),
      phaseRow(openC8),
      phaseRow(rawC8),
      phaseRow(openC1),
      phaseRow(rawC1),
      phaseRow(floor),
      phaseRow(getPhase),
      phaseRow(priorityPhase),
      phaseRow(noopPhase),
      phaseRow(movePhase),
      phaseRow(cancelPhase),
      '',
      `  opens / raw inserts: ${openRatio8.toFixed(3)} at ${knobs.concurrency} connections (one open costs the time of ` +
        `${(1 / openRatio8).toFixed(1)} inserts), ${openRatio1.toFixed(3)} at 1 (${(1 / openRatio1).toFixed(1)} inserts)`,
      `  priority change / GET, p50: ${priorityRatio.toFixed(1)}× (${fmtMs(priorityPhase.lat.p50)} vs ${fmtMs(getPhase.lat.p50)})`,
      `  database commands per request (${knobs.profile} each, one at a time, counted by the driver of a second web process):`,
      `    POST /api/tickets:        ${describeProfile(openProfile)}; ${dbShare(openProfile)}`,
      `    GET /api/tickets/:id:     ${describeProfile(getProfile)}; ${dbShare(getProfile)}`,
      `    POST …/actions/priority:  ${describeProfile(priorityProfile)}; ${dbShare(priorityProfile)}`,
      `  (rate: completed per second of wall time; for one-at-a-time rows 1 / mean. Latency is measured by a ` +
        `client in the same process as the server.)`,
    );

    const allOpenErrors = openFailures.length;
    check('opens answered 201', allOpenErrors === 0, `${allOpenErrors} error(s) in ${openAttempts} opens${firstFailure(openFailures)}` + (warmUpFailures ? ` (${warmUpFailures} in the warm-up)` : ''));
    check(
      'every open stored once with its timers',
      distinctIds === opened.length && ticketsStored === opened.length && openedEvents === opened.length && timerJobs === timersPerTicket * beforeProfile && timersPerTicket > 0,
      `${opened.length} answers, ${distinctIds} distinct ids, ${ticketsStored} tickets, ${openedEvents} "opened" events, ` +
        `${timerJobs} timer jobs for ${beforeProfile} tickets (${timersPerTicket} each expected)`,
    );
    check('raw inserts succeeded', rawFailures.length === 0, `${rawFailures.length} error(s) in ${rawSeq}${firstFailure(rawFailures)}`);
    check(`opens/s at ${knobs.concurrency} connections`, openC8.perS >= TARGET_OPENS_PER_S, `${fmtPerS(openC8.perS)} (target ≥ ${TARGET_OPENS_PER_S} /s)`);
    check(`open p99 at ${knobs.concurrency} connections`, openC8.lat.p99 < TARGET_OPEN_P99_MS, `${fmtMs(openC8.lat.p99)} (target < ${fmtMs(TARGET_OPEN_P99_MS)})`);
    check('open p99 one at a time', openC1.lat.p99 < TARGET_SERIAL_OPEN_P99_MS, `${fmtMs(openC1.lat.p99)} (target < ${fmtMs(TARGET_SERIAL_OPEN_P99_MS)})`);
    check(
      'timers.replace does what the plan says',
      wrong.noop + wrong.move + wrong.cancel + wrong.unmoved === 0 && timerIds.length > 0,
      `${timerIds.length} tickets: no-op kept the jobs ${timerIds.length - wrong.noop}/${timerIds.length}, ` +
        `move put every timer at its new instant ${timerIds.length - wrong.move}/${timerIds.length}, ` +
        `cancel left none ${timerIds.length - wrong.cancel}/${timerIds.length}` +
        (wrong.unmoved ? `; ${wrong.unmoved} plans did not move every timer` : ''),
    );
    check('timers.replace p99 (move)', movePhase.lat.p99 < TARGET_REPLACE_P99_MS, `${fmtMs(movePhase.lat.p99)} (target < ${fmtMs(TARGET_REPLACE_P99_MS)})`);
    check(
      'priority changes answered and rescheduled',
      actionFailures.length === 0 && actionTimersWrong === 0 && actionIds.length > ACTION_WARM_UP,
      `${actionIds.length} tickets: ${actionFailures.length} failed request(s)${firstFailure(actionFailures)}, ` +
        `${actionTimersWrong} with timers not at the ${OTHER_PRIORITY} plan`,
    );
    check('priority change p99', priorityPhase.lat.p99 < TARGET_PRIORITY_P99_MS, `${fmtMs(priorityPhase.lat.p99)} (target < ${fmtMs(TARGET_PRIORITY_P99_MS)})`);
    return { lines, checks };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[api] cleanup failed: ${String(error)}`);
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

async function run(): Promise<BenchReport> {
  const knobs: Knobs = {
    opens: intFromEnv('API_BENCH_OPENS', 1000),
    serialOpens: intFromEnv('API_BENCH_SERIAL_OPENS', 200),
    concurrency: intFromEnv('API_BENCH_CONCURRENCY', 8),
    timerTickets: intFromEnv('API_BENCH_TIMER_TICKETS', 300),
    actionTickets: intFromEnv('API_BENCH_ACTION_TICKETS', 200),
    profile: intFromEnv('API_BENCH_PROFILE', 20),
  };
  const lines: string[] = [
    `  ${knobs.opens} opens at ${knobs.concurrency} keep-alive connections (after ${WARM_UP_OPENS} warm-up opens) in ` +
      `${ROUNDS} rounds alternating with as many raw inserts, then ${knobs.serialOpens} of each one at a time;`,
    `  ${knobs.timerTickets} tickets × (no-op, move, cancel) timers.replace; ${knobs.actionTickets} × (GET, priority change) ` +
      `interleaved, first ${ACTION_WARM_UP} not counted.`,
    '',
  ];
  const checks: Check[] = [];
  const embedded = await measure('embedded', knobs, undefined);
  lines.push(...embedded.lines);
  checks.push(...embedded.checks);
  const external = process.env.MONGODB_URI;
  if (external !== undefined && external.trim() !== '') {
    const other = await measure('MONGODB_URI', knobs, external.trim());
    lines.push('', ...other.lines);
    checks.push(...other.checks);
  } else {
    lines.push('', '  (MONGODB_URI not set: the same run against a MongoDB server is skipped)');
  }
  return { lines, checks };
}

const bench: Bench = {
  name: 'api',
  description: 'tickets opened per second through the HTTP API, latency, and the cost of rescheduling SLA timers',
  run,
};
export default bench;
