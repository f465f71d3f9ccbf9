/**
 * The HTTP API benchmark: tickets opened per second through `POST /api/tickets` (at a fixed number
 * of keep-alive connections, then one at a time) with their latency; what rescheduling a ticket's
 * SLA timers costs (`timers.replace` directly, and `POST …/actions/priority` end to end against a
 * plain `GET`); and, as a yardstick taken in the same run on the same database, raw driver
 * `insertOne`s of a ticket-sized document. It also counts the database commands each request
 * costs (on a second web process whose driver reports every command), and measures how the cost
 * grows with the number of timer jobs stored.
 *
 * The desk is the real one: `openDesk` on an empty temporary data directory starts the embedded
 * FerretDB (that handle seeds the directory and times the scheduler), and `startDesk` serves the
 * HTTP API as a `web` process does, with its own connection to the same database. With MONGODB_URI
 * set, the same run is repeated on that server, in a database of its own that is dropped after.
 *
 * Environment knobs (defaults in brackets): API_BENCH_OPENS [120], API_BENCH_SERIAL_OPENS [30],
 * API_BENCH_CONCURRENCY [8], API_BENCH_TIMER_TICKETS [20], API_BENCH_ACTION_TICKETS [20],
 * API_BENCH_PROFILE [5] (requests per kind whose database commands are counted),
 * API_BENCH_FILLER_JOBS [3000] and API_BENCH_FILLER_TICKETS [2000] (what the growth probe adds: timer
 * jobs of other tickets, then closed tickets of another customer with two revisions each).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, type Document, type ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { addAgent, addContact, createOrganisation } from '../src/app/directory.ts';
import { loadConfig } from '../src/config/config.ts';
import { plannedTimers, type SlaTimer } from '../src/domain/tickets/sla-clock.ts';
import { createAgendaJobs } from '../src/jobs/agenda-jobs.ts';
import { DEFAULT_JOBS_COLLECTION, DEFAULT_PLANS_COLLECTION, SLA_STEP_JOB } from '../src/jobs/job-names.ts';
import type { TimerPlanDocument } from '../src/jobs/sla-timer-scheduler.ts';
import { redactUriCredentials } from '../src/log.ts';
import { startDesk } from '../src/runtime/start-desk.ts';
import { revisionId } from '../src/store/mongo/versioned-documents.ts';
import {
  drive,
  fmtMs,
  fmtPerS,
  httpClient,
  latency,
  row,
  type HttpClient,
  type Latency,
  type Reply,
} from './http-load.ts';
import { monitorCommands } from './command-profile.ts';
import type { Bench, BenchReport, Check } from './run.ts';
import { intFromEnv } from './knobs.ts';
import { tidyUp } from './cleanup.ts';
import { openBenchDesk, startWebProcess } from './desk.ts';

/**
 * Targets. A service desk opens tens to a few hundred tickets a day, so throughput only has to stay
 * well above a burst (an outage that has a whole customer reporting within minutes, an alert
 * storm); what matters is that the person opening or changing a ticket never waits long. Chat
 * platforms give a bot about 3 s to answer an interaction (Slack's acknowledgement deadline), and
 * a second is where a person starts to notice.
 */
const TARGET_OPENS_PER_S = 5;
const TARGET_BURST_P99_MS = 3000;
const TARGET_SERIAL_P99_MS = 1000;

const CONTRACT = 'stratiteq';
/** The stratiteq preset opens at P3 (8 h response); P1 (2 h) moves every timer. */
const OTHER_PRIORITY = 'P1';
const ROUNDS = 4;
const WARM_UP_OPENS = 30;
const WARM_UP_INSERTS = 100;
const FLOOR_REQUESTS = 200;
const ACTION_WARM_UP = 3;
const GROWTH_SAMPLES = 5;
const RAW_COLLECTION = 'bench_raw_inserts';
const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'About 40 % of yesterday’s invoices are missing on the ERP side, and finance needs them for ' +
  'the month-end close on Friday. We have restarted the export job twice; the second run failed at ' +
  'the same invoice. Log excerpt and the job id are attached in the shared folder.';

interface Knobs {
  opens: number;
  serialOpens: number;
  concurrency: number;
  timerTickets: number;
  actionTickets: number;
  profile: number;
  fillerJobs: number;
  fillerTickets: number;
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
  const params = new URLSearchParams(query);
  if (base.includes('@') && !params.has('authSource')) params.set('authSource', named || 'admin');
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
  /** Completed per second of wall time (one-at-a-time phases: 1 / mean). */
  perS: number;
  errors: number;
  /** Timer jobs stored when the phase began and ended. */
  jobs: [number, number];
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Per request kind: database commands sent (by command and collection) and their summed time. */
interface Profile {
  requests: number;
  /** "find sla_jobs" → how many were sent and their summed time (ms). */
  commands: Map<string, { n: number; ms: number }>;
  total: number;
  dbMs: number;
  wallMs: number;
}

function describeProfile(label: string, p: Profile): string[] {
  const per = (x: number) => x / p.requests;
  const parts = [...p.commands.entries()]
    .sort((x, y) => y[1].ms - x[1].ms || x[0].localeCompare(y[0]))
    .map(([what, { n, ms }]) => {
      const count = Number.isInteger(per(n)) ? String(per(n)) : per(n).toFixed(1);
      return `${count}× ${what} ${fmtMs(per(ms))}`;
    });
  const wrapped: string[] = [];
  for (const part of parts) {
    const last = wrapped.at(-1);
    if (last !== undefined && last.length + part.length < 100)
      wrapped[wrapped.length - 1] = `${last}, ${part}`;
    else wrapped.push(part);
  }
  return [
    `    ${label.padEnd(25)}${per(p.total).toFixed(1)} commands; ${fmtMs(p.dbMs / p.requests)} of ` +
      `${fmtMs(p.wallMs / p.requests)} waiting on the database`,
    ...wrapped.map((line) => `      ${line}`),
  ];
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

interface StoredJob {
  _id: ObjectId;
  nextRunAt?: Date | null;
  data?: { step?: string } | null;
}

/** The earliest timer of a plan: the one a ticket keeps as its job (or parked on the wheel). */
const earliest = (plan: readonly SlaTimer[]): SlaTimer[] =>
  plan.length === 0 ? [] : [plan.reduce((first, t) => (t.at.getTime() < first.at.getTime() ? t : first))];

/** The ticket's recorded timer is the plan's earliest, at its instant. */
const matchesPlan = (stored: readonly StoredJob[], plan: readonly SlaTimer[]): boolean =>
  stored.length === earliest(plan).length &&
  earliest(plan).every((t) =>
    stored.some((j) => j.data?.step === t.step && j.nextRunAt?.getTime() === t.at.getTime()),
  );

const sameJobs = (a: readonly StoredJob[], b: readonly StoredJob[]): boolean =>
  a.length === b.length && a.every((j) => b.some((k) => k._id.equals(j._id)));

// ---------------------------------------------------------------------------------------------
// One database

interface TargetResult {
  lines: string[];
  checks: Check[];
}

async function measure(label: string, knobs: Knobs, externalUri: string | undefined): Promise<TargetResult> {
  const lines: string[] = [];
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) =>
    checks.push({ name: `${label}: ${name}`, ok, detail });
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
    const { logger, desk, db, deskOpenMs } = await openBenchDesk(env, cleanups);
    if (externalUri) cleanups.push(() => db.dropDatabase());

    // The web process: the HTTP API as `npm start` or the Procfile's `web` serves it, own pool.
    const webEnv = { ...env, MONGODB_URI: desk.database.uri };
    const web = await startWebProcess(webEnv, logger, cleanups);
    const client = httpClient(web.url, knobs.concurrency);
    cleanups.push(() => client.close());

    // The directory: a customer on the stratiteq contract, a contact with the org's key, an agent.
    const organisation = await createOrganisation(desk.deps, {
      name: 'Bench AB',
      contractId: CONTRACT,
      locale: 'sv',
    });
    const contact = await addContact(desk.deps, organisation.id, {
      name: 'Bea Bench',
      email: 'bea@bench.example',
    });
    const agent = await addAgent(desk.deps, { name: 'Alva Agent', email: 'alva@desk.example' });
    const orgKey = (
      await desk.store.apiKeys.create({ kind: 'organisation', organisationId: organisation.id }, 'bench')
    ).key;
    const adminKey = (await desk.store.apiKeys.create({ kind: 'admin' }, 'bench')).key;
    const asContact = { authorization: `Bearer ${orgKey}`, 'x-sladesk-person': contact.id };
    const asAgent = { authorization: `Bearer ${adminKey}`, 'x-sladesk-person': agent.id };
    const contract = desk.deps.contracts.contract(CONTRACT);
    const jobs = db.collection(DEFAULT_JOBS_COLLECTION);
    const jobCount = () => jobs.countDocuments({ name: SLA_STEP_JOB });
    // What the scheduler recorded as the ticket's timer (its job, or its place on the wheel).
    const timerPlans = db.collection<TimerPlanDocument>(DEFAULT_PLANS_COLLECTION);
    const jobsOf = async (ticketId: string): Promise<StoredJob[]> =>
      ((await timerPlans.findOne({ _id: ticketId }))?.jobs ?? []).map((job) => ({
        _id: job.jobId,
        nextRunAt: job.at,
        data: { step: job.step },
      }));

    // --- Opening tickets, against raw inserts ------------------------------------------------
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
    const raw = db.collection<{ _id: string }>(RAW_COLLECTION);
    let rawSeq = 0;
    let rawDocument: Document = {};
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
    type Measured = Phase & { wallMs: number; samples: number[] };
    const phase = async (
      name: string,
      n: number,
      concurrency: number,
      task: () => Promise<Reply>,
      okStatus: number,
    ): Promise<Measured> => {
      const jobsBefore = await jobCount();
      const done = await drive(n, concurrency, task);
      const samples = done.results.filter((r) => r.status === okStatus).map((r) => r.ms);
      return {
        label: name,
        concurrency,
        lat: latency(samples),
        perS: done.results.length / (done.wallMs / 1000),
        errors: done.results.length - samples.length,
        jobs: [jobsBefore, await jobCount()],
        wallMs: done.wallMs,
        samples,
      };
    };
    const merged = (parts: readonly Measured[]): Phase => ({
      label: parts[0]!.label,
      concurrency: parts[0]!.concurrency,
      lat: latency(parts.flatMap((p) => p.samples)),
      perS: sum(parts.map((p) => p.samples.length + p.errors)) / (sum(parts.map((p) => p.wallMs)) / 1000),
      errors: sum(parts.map((p) => p.errors)),
      jobs: [parts[0]!.jobs[0], parts.at(-1)!.jobs[1]],
    });
    /** One call at a time, timed around `work` only. */
    const serial = (name: string, samples: readonly number[], jobsAt: [number, number]): Phase => ({
      label: name,
      concurrency: 1,
      lat: latency(samples),
      perS: samples.length / (sum(samples) / 1000),
      errors: 0,
      jobs: jobsAt,
    });
    const timed = async (into: number[], work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      into.push(performance.now() - started);
    };

    // The HTTP floor: an unknown route is answered before any key check or database call.
    await drive(20, 1, () => client.call('GET', '/bench/no-such-route'));
    const floor = await phase(
      'GET unknown route (HTTP only)',
      FLOOR_REQUESTS,
      1,
      () => client.call('GET', '/bench/no-such-route'),
      404,
    );

    // Warm-up: the first opens build the counter, caches and JIT; then a ticket to copy.
    await drive(WARM_UP_OPENS, knobs.concurrency, () => openVia(client));
    const tickets = db.collection<{ _id: string }>('tickets');
    const sample = opened[0] === undefined ? null : await tickets.findOne({ _id: opened[0] });
    if (!sample) throw new Error(`no ticket to copy; the opens failed${firstFailure(openFailures)}`);
    const { _id: _sampleId, ...ticketDocument } = sample;
    rawDocument = ticketDocument;
    const documentBytes = BSON.calculateObjectSize(sample);
    await drive(WARM_UP_INSERTS, knobs.concurrency, insertRaw);

    // At `concurrency` connections: opens and raw inserts in alternating rounds, so that drift on
    // a noisy machine hits both, and the rounds show how opens slow down as timer jobs pile up.
    const openRounds: Measured[] = [];
    const rawRounds: Measured[] = [];
    const perRound = Math.max(1, Math.ceil(knobs.opens / ROUNDS));
    for (let done = 0; done < knobs.opens; done += perRound) {
      const n = Math.min(perRound, knobs.opens - done);
      openRounds.push(await phase('POST /api/tickets', n, knobs.concurrency, () => openVia(client), 201));
      rawRounds.push(await phase('raw insertOne, ticket-sized', n, knobs.concurrency, insertRaw, 201));
    }
    const openBurst = merged(openRounds);
    const rawBurst = merged(rawRounds);

    // One at a time.
    const openSerial = await phase('POST /api/tickets', knobs.serialOpens, 1, () => openVia(client), 201);
    const rawSerial = await phase('raw insertOne, ticket-sized', knobs.serialOpens, 1, insertRaw, 201);

    // What the opens left: one ticket, one "opened" audit event and its timer jobs each.
    const openedHere = [...opened];
    const ticketsStored = await tickets.countDocuments({ organisationId: organisation.id });
    const openedEvents = await db
      .collection('ticket_revisions')
      .countDocuments({ 'effects.events.type': 'opened' });
    const timerJobs = await timerPlans.countDocuments({});
    const firstTicket = await desk.deps.tickets.get(openedHere[0]!);
    const timersPerTicket = firstTicket ? earliest(plannedTimers(firstTicket, contract)).length : 0;
    const distinctIds = new Set(openedHere).size;
    const openAttempts = openSeq;
    const openErrors = openFailures.length;

    // --- timers.replace, straight on the scheduler: no-op, every timer moves, cancel ----------
    const pool = openedHere.slice(WARM_UP_OPENS);
    const timerIds = pool.splice(0, Math.min(knobs.timerTickets, Math.floor(pool.length / 3)));
    const actionIds = pool.splice(
      0,
      Math.min(knobs.actionTickets + ACTION_WARM_UP, Math.floor(pool.length / 2)),
    );
    const growthIds = pool.splice(0, GROWTH_SAMPLES);
    const times = { noop: [] as number[], move: [] as number[], cancel: [] as number[] };
    const wrong = { noop: 0, move: 0, cancel: 0, unmoved: 0 };
    const scheduler = desk.deps.timers;
    const timersJobsAt = await jobCount();
    for (const ticketId of timerIds) {
      const ticket = await desk.deps.tickets.get(ticketId);
      if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
      const same = plannedTimers(ticket, contract);
      const moved = plannedTimers({ ...ticket, priority: OTHER_PRIORITY }, contract);
      if (moved.some((t) => same.some((s) => s.step === t.step && s.at.getTime() === t.at.getTime())))
        wrong.unmoved++;
      const before = await jobsOf(ticketId);
      await timed(times.noop, () => scheduler.replace(ticketId, same));
      const afterNoop = await jobsOf(ticketId);
      if (!matchesPlan(afterNoop, same) || !sameJobs(before, afterNoop)) wrong.noop++;
      await timed(times.move, () => scheduler.replace(ticketId, moved));
      if (!matchesPlan(await jobsOf(ticketId), moved)) wrong.move++;
      await timed(times.cancel, () => scheduler.replace(ticketId, []));
      if ((await jobsOf(ticketId)).length !== 0) wrong.cancel++;
    }
    const timersJobsEnd = await jobCount();
    const noopPhase = serial('timers.replace: same plan (no-op)', times.noop, [timersJobsAt, timersJobsEnd]);
    const movePhase = serial('timers.replace: the next timer moves', times.move, [
      timersJobsAt,
      timersJobsEnd,
    ]);
    const cancelPhase = serial('timers.replace: cancel (empty plan)', times.cancel, [
      timersJobsAt,
      timersJobsEnd,
    ]);

    // --- End to end: a priority change against a plain read, interleaved, one at a time ---------
    const gets: number[] = [];
    const priorities: number[] = [];
    const actionFailures: Failure[] = [];
    const actionJobsAt = await jobCount();
    for (const [i, ticketId] of actionIds.entries()) {
      const got = await client.call('GET', `/api/tickets/${ticketId}`, asAgent);
      const changed = await client.call('POST', `/api/tickets/${ticketId}/actions/priority`, asAgent, {
        priority: OTHER_PRIORITY,
      });
      if (got.status !== 200) actionFailures.push(got);
      const answered =
        changed.status === 200 ? (JSON.parse(changed.text) as { priority?: string }) : undefined;
      if (answered?.priority !== OTHER_PRIORITY) actionFailures.push(changed);
      if (i < ACTION_WARM_UP) continue;
      if (got.status === 200) gets.push(got.ms);
      if (answered) priorities.push(changed.ms);
    }
    const actionJobsEnd = await jobCount();
    let actionTimersWrong = 0;
    for (const ticketId of actionIds) {
      const ticket = await desk.deps.tickets.get(ticketId);
      const right =
        ticket?.priority === OTHER_PRIORITY &&
        matchesPlan(await jobsOf(ticketId), plannedTimers(ticket, contract));
      if (!right) actionTimersWrong++;
    }
    const getPhase = serial('GET /api/tickets/:id', gets, [actionJobsAt, actionJobsEnd]);
    const priorityPhase = serial('POST …/actions/priority', priorities, [actionJobsAt, actionJobsEnd]);

    // --- Database commands per request, on a second web process whose driver reports them ------
    const known = new Set(mongoose.connections);
    const profiled = await startDesk(
      loadConfig({ ...webEnv, MONGODB_URI: withOption(desk.database.uri, 'monitorCommands', 'true') }),
      logger,
      new Set(['web']),
    );
    cleanups.push(() => profiled.stop());
    const profiledConnection = mongoose.connections.find((c) => !known.has(c));
    if (!profiled.url || !profiledConnection) throw new Error('could not find the profiled web process');
    const profiledClient = httpClient(profiled.url, 1);
    cleanups.push(() => profiledClient.close());
    const profileFailures: Failure[] = [];
    const monitored = monitorCommands(profiledConnection);
    const profile = async (n: number, request: (i: number) => Promise<Reply>): Promise<Profile> => {
      const [done, counted] = await monitored.during(() => drive(n, 1, request));
      profileFailures.push(...done.results.filter((r) => r.status < 200 || r.status > 299));
      return {
        requests: n,
        commands: counted.commands,
        total: counted.total,
        dbMs: counted.ms,
        wallMs: sum(done.results.map((r) => r.ms)),
      };
    };
    const profileJobsAt = await jobCount();
    await drive(3, 1, () => openVia(profiledClient));
    const beforeProfile = opened.length;
    const openProfile = await profile(knobs.profile, () => openVia(profiledClient));
    const profiledIds = opened.slice(beforeProfile);
    const getProfile = await profile(profiledIds.length, (i) =>
      profiledClient.call('GET', `/api/tickets/${profiledIds[i]!}`, asAgent),
    );
    const priorityProfile = await profile(profiledIds.length, (i) =>
      profiledClient.call('POST', `/api/tickets/${profiledIds[i]!}/actions/priority`, asAgent, {
        priority: OTHER_PRIORITY,
      }),
    );
    // The scheduler alone, on the same monitored connection: no-op, move back to P3, cancel.
    const profiledJobs = createAgendaJobs({ connection: profiledConnection, logger });
    cleanups.push(() => profiledJobs.stop());
    const plans: { id: string; same: SlaTimer[]; moved: SlaTimer[] }[] = [];
    for (const id of profiledIds) {
      const ticket = await desk.deps.tickets.get(id);
      if (!ticket) throw new Error(`ticket ${id} vanished`);
      plans.push({
        id,
        same: plannedTimers(ticket, contract),
        moved: plannedTimers({ ...ticket, priority: contract.terms.defaultPriority }, contract),
      });
    }
    const replaceProfiled = async (i: number, timers: (plan: (typeof plans)[number]) => SlaTimer[]) => {
      const plan = plans[i]!;
      const started = performance.now();
      await profiledJobs.scheduler.replace(plan.id, timers(plan));
      return { status: 200, text: '', ms: performance.now() - started };
    };
    await replaceProfiled(0, (p) => p.same); // waits for the new Agenda instance to be ready
    const noopProfile = await profile(plans.length, (i) => replaceProfiled(i, (p) => p.same));
    const moveProfile = await profile(plans.length, (i) => replaceProfiled(i, (p) => p.moved));
    const cancelProfile = await profile(plans.length, (i) => replaceProfiled(i, () => []));
    await profiledJobs.stop();
    await profiled.stop();
    profiledClient.close();
    const profileJobsEnd = await jobCount();

    // --- Growth: the same calls after more timer jobs, then more closed tickets, are stored -----
    // Each point: no-op replace, GET, an internal comment (a ticket save: revision claim, write,
    // older revisions tombstoned, timers re-planned) and, but for the last, an open. The growth
    // tickets get two comments first, so every timed save is past version 2, as in a ticket's life.
    interface GrowthPoint {
      jobs: number;
      tickets: number;
      noop: Latency;
      get: Latency;
      comment: Latency;
      open?: Latency;
    }
    const growth: GrowthPoint[] = [];
    const commentFailures: Failure[] = [];
    const comment = async (id: string) => {
      const reply = await client.call('POST', `/api/tickets/${id}/actions/comment`, asAgent, {
        body: 'Checked the export log: same invoice, same timeout.',
        visibility: 'internal',
      });
      if (reply.status !== 200) commentFailures.push(reply);
      return reply;
    };
    const growthPoint = async (withOpens: boolean) => {
      const noop: number[] = [];
      const gets: number[] = [];
      const comments: number[] = [];
      const [jobsNow, ticketsNow] = [await jobCount(), await tickets.countDocuments({})];
      for (const id of growthIds) {
        const ticket = await desk.deps.tickets.get(id);
        if (ticket) await timed(noop, () => scheduler.replace(id, plannedTimers(ticket, contract)));
        const got = await client.call('GET', `/api/tickets/${id}`, asAgent);
        if (got.status === 200) gets.push(got.ms);
        const commented = await comment(id);
        if (commented.status === 200) comments.push(commented.ms);
      }
      const opens = withOpens
        ? (await phase('POST /api/tickets', growthIds.length, 1, () => openVia(client), 201)).lat
        : undefined;
      growth.push({
        jobs: jobsNow,
        tickets: ticketsNow,
        noop: latency(noop),
        get: latency(gets),
        comment: latency(comments),
        ...(opens ? { open: opens } : {}),
      });
    };
    const inBatches = async (count: number, make: (n: number) => Document, into: string) => {
      for (let done = 0; done < count; done += 500) {
        const batch = Array.from({ length: Math.min(500, count - done) }, (_, k) => make(done + k));
        await db.collection(into).insertMany(batch);
      }
    };
    if (growthIds.length > 0 && (knobs.fillerJobs > 0 || knobs.fillerTickets > 0)) {
      for (const id of growthIds) for (let k = 0; k < 2; k++) await comment(id);
      await growthPoint(true);
      const far = Date.now() + 30 * 24 * 3_600_000;
      const steps = ['response:reminder', 'response:level1', 'response:level2', 'response:level3'];
      await inBatches(
        knobs.fillerJobs,
        (n) => ({
          name: SLA_STEP_JOB,
          data: { ticketId: `FILL-${n >> 2}`, step: steps[n & 3] },
          type: 'normal',
          priority: 0,
          nextRunAt: new Date(far + n * 60_000),
          lockedAt: null,
          lastModifiedBy: 'bench',
        }),
        DEFAULT_JOBS_COLLECTION,
      );
      await growthPoint(true);
      // A desk's history: closed tickets of another customer, each with its two tombstoned revisions.
      const history = 'HIST';
      await inBatches(
        knobs.fillerTickets,
        (n) => ({
          ...rawDocument,
          _id: `${history}-${n}`,
          organisationId: 'bench-history',
          status: 'closed',
          version: 2,
        }),
        'tickets',
      );
      await inBatches(
        knobs.fillerTickets * 2,
        (n) => ({
          _id: revisionId(`${history}-${n >> 1}`, (n & 1) + 1),
          of: `${history}-${n >> 1}`,
          version: (n & 1) + 1,
          claimedAt: new Date(),
        }),
        'ticket_revisions',
      );
      await growthPoint(false);
    }
    // --- Report ---------------------------------------------------------------------------------
    const where = externalUri
      ? `${redactUriCredentials(withDatabase(externalUri, benchDatabase))} (a database of its own, dropped afterwards)`
      : 'embedded FerretDB (SQLite) in a new temporary data directory';
    const w = [38, 5, 4, 10, 9, 9, 9, 9, 4, 11];
    const header = row(['', 'conns', 'n', 'rate', 'p50', 'p90', 'p99', 'max', 'errs', 'timer jobs'], w);
    const phaseRow = (p: Phase) =>
      row(
        [
          p.label,
          String(p.concurrency),
          String(p.lat.n),
          fmtPerS(p.perS),
          fmtMs(p.lat.p50),
          fmtMs(p.lat.p90),
          fmtMs(p.lat.p99),
          fmtMs(p.lat.max),
          String(p.errors),
          p.jobs[0] === p.jobs[1] ? String(p.jobs[0]) : `${p.jobs[0]}→${p.jobs[1]}`,
        ],
        w,
      );
    const burstRatio = openBurst.perS / rawBurst.perS;
    const serialRatio = openSerial.perS / rawSerial.perS;
    const priorityRatio = priorityPhase.lat.p50 / getPhase.lat.p50;
    lines.push(
      `  ${label}: ${where}`,
      `  desk opened in ${fmtMs(deskOpenMs)}; a ticket is ${documentBytes} B of BSON; each open plans ` +
        `${timersPerTicket} timer, its next (${CONTRACT} ${firstTicket?.priority ?? '?'}), appends its audit entry and ` +
        `tells the requester and triage (log notifier, level warn)`,
      '',
      header,
      phaseRow(openBurst),
      phaseRow(rawBurst),
      phaseRow(openSerial),
      phaseRow(rawSerial),
      phaseRow(floor),
      phaseRow(getPhase),
      phaseRow(priorityPhase),
      phaseRow(noopPhase),
      phaseRow(movePhase),
      phaseRow(cancelPhase),
      '',
      `  opens/s ÷ raw inserts/s: ${burstRatio.toFixed(3)} at ${knobs.concurrency} connections (an open costs ` +
        `${(1 / burstRatio).toFixed(0)} inserts), ${serialRatio.toFixed(3)} at 1 (${(1 / serialRatio).toFixed(0)} inserts)`,
      `  priority change ÷ GET, p50: ${priorityRatio.toFixed(1)}× (${fmtMs(priorityPhase.lat.p50)} vs ${fmtMs(getPhase.lat.p50)})`,
      `  opens at ${knobs.concurrency} connections, round by round (${perRound} opens each):`,
      ...openRounds.map(
        (r, i) =>
          `    round ${i + 1}: ${r.jobs[0]}→${r.jobs[1]} timer jobs stored: ${fmtPerS(r.perS)}, ` +
          `p50 ${fmtMs(r.lat.p50)}, p99 ${fmtMs(r.lat.p99)}`,
      ),
      `  database commands per call (${knobs.profile} each, one at a time, counted by the driver of a second web ` +
        `process; ${profileJobsAt}→${profileJobsEnd} timer jobs stored):`,
      ...describeProfile('POST /api/tickets', openProfile),
      ...describeProfile('GET /api/tickets/:id', getProfile),
      ...describeProfile('POST …/actions/priority', priorityProfile),
      ...describeProfile('timers.replace no-op', noopProfile),
      ...describeProfile('timers.replace move', moveProfile),
      ...describeProfile('timers.replace cancel', cancelProfile),
    );
    if (growth.length === 3) {
      const [a, b, c] = growth as [GrowthPoint, GrowthPoint, GrowthPoint];
      const gw = [24, 11, 11, 11, 15, 17];
      const perJob = (x?: Latency, y?: Latency) =>
        x && y ? `${(((y.p50 - x.p50) / (b.jobs - a.jobs)) * 1000).toFixed(1)} µs` : '-';
      const perTicket = (x?: Latency, y?: Latency) =>
        x && y ? `${(((y.p50 - x.p50) / (c.tickets - b.tickets)) * 1000).toFixed(1)} µs` : '-';
      const growthRow = (name: string, pick: (g: GrowthPoint) => Latency | undefined) =>
        row(
          [
            name,
            ...[a, b, c].map((g) => {
              const l = pick(g);
              return l ? fmtMs(l.p50) : '-';
            }),
            perJob(pick(a), pick(b)),
            perTicket(pick(b), pick(c)),
          ],
          gw,
        );
      lines.push(
        `  growth: p50 of the same calls (${growthIds.length} each, one at a time) as the database fills up:`,
        row(
          [
            '',
            'start',
            `+${knobs.fillerJobs} jobs`,
            `+${knobs.fillerTickets} tkts`,
            'per timer job',
            'per closed ticket',
          ],
          gw,
        ),
        row(
          [
            'timer jobs / tickets',
            ...[a, b, c].map((g) => `${g.jobs}/${g.tickets}`),
            '',
            '(+2 revisions each)',
          ],
          gw,
        ),
        growthRow('timers.replace no-op', (g) => g.noop),
        growthRow('POST /api/tickets', (g) => g.open),
        growthRow('GET /api/tickets/:id', (g) => g.get),
        growthRow('POST …/actions/comment', (g) => g.comment),
      );
    }
    lines.push(
      `  (rate: calls completed per second of wall time; one-at-a-time rows 1 / mean. The HTTP client runs in the ` +
        `server's process; the floor row is its cost plus node:http's.)`,
    );

    check(
      'opens answered 201',
      openErrors === 0 && openFailures.length === 0,
      `${openFailures.length} error(s) in ${openSeq} opens${firstFailure(openFailures)}`,
    );
    check(
      'each open stored once, with its audit event and timers',
      distinctIds === openedHere.length &&
        ticketsStored === openedHere.length &&
        openedEvents === openedHere.length &&
        timerJobs === timersPerTicket * openedHere.length &&
        openedHere.length === openAttempts &&
        timersPerTicket > 0,
      `${openAttempts} opens: ${openedHere.length} answered, ${distinctIds} distinct ids, ${ticketsStored} tickets, ` +
        `${openedEvents} "opened" events, ${timerJobs} timer plans (${timersPerTicket} timer each expected)`,
    );
    check(
      'raw inserts succeeded',
      rawFailures.length === 0,
      `${rawFailures.length} error(s) in ${rawSeq}${firstFailure(rawFailures)}`,
    );
    check(
      `opens/s at ${knobs.concurrency} connections`,
      openBurst.perS >= TARGET_OPENS_PER_S,
      `${fmtPerS(openBurst.perS)} (target ≥ ${TARGET_OPENS_PER_S} /s)`,
    );
    check(
      `open p99 at ${knobs.concurrency} connections`,
      openBurst.lat.p99 < TARGET_BURST_P99_MS,
      `${fmtMs(openBurst.lat.p99)} (target < ${fmtMs(TARGET_BURST_P99_MS)})`,
    );
    check(
      'open p99 one at a time',
      openSerial.lat.p99 < TARGET_SERIAL_P99_MS,
      `${fmtMs(openSerial.lat.p99)} (target < ${fmtMs(TARGET_SERIAL_P99_MS)})`,
    );
    check(
      'priority change p99 one at a time',
      priorityPhase.lat.p99 < TARGET_SERIAL_P99_MS,
      `${fmtMs(priorityPhase.lat.p99)} (target < ${fmtMs(TARGET_SERIAL_P99_MS)})`,
    );
    check(
      'timers.replace does what the plan says',
      wrong.noop + wrong.move + wrong.cancel + wrong.unmoved === 0 && timerIds.length > 0,
      `${timerIds.length} tickets: no-op kept the same jobs ${timerIds.length - wrong.noop}/${timerIds.length}, ` +
        `move put every timer at its new instant ${timerIds.length - wrong.move}/${timerIds.length}, ` +
        `cancel left none ${timerIds.length - wrong.cancel}/${timerIds.length}` +
        (wrong.unmoved ? `; ${wrong.unmoved} plans did not move every timer` : ''),
    );
    check(
      'profiled calls answered',
      profileFailures.length === 0,
      `${profileFailures.length} failed${firstFailure(profileFailures)}`,
    );
    check(
      'internal comments answered (growth probe)',
      commentFailures.length === 0,
      `${commentFailures.length} failed${firstFailure(commentFailures)}`,
    );
    check(
      'priority changes answered and rescheduled',
      actionFailures.length === 0 && actionTimersWrong === 0 && priorities.length > 0,
      `${actionIds.length} tickets: ${actionFailures.length} failed request(s)${firstFailure(actionFailures)}, ` +
        `${actionTimersWrong} with timers not at the ${OTHER_PRIORITY} plan`,
    );
    return { lines, checks };
  } finally {
    await tidyUp('api', cleanups, dataDir);
  }
}

async function run(): Promise<BenchReport> {
  const knobs: Knobs = {
    opens: intFromEnv('API_BENCH_OPENS', 120),
    serialOpens: intFromEnv('API_BENCH_SERIAL_OPENS', 30),
    concurrency: intFromEnv('API_BENCH_CONCURRENCY', 8),
    timerTickets: intFromEnv('API_BENCH_TIMER_TICKETS', 20),
    actionTickets: intFromEnv('API_BENCH_ACTION_TICKETS', 20),
    profile: intFromEnv('API_BENCH_PROFILE', 5),
    fillerJobs: intFromEnv('API_BENCH_FILLER_JOBS', 3000, 0),
    fillerTickets: intFromEnv('API_BENCH_FILLER_TICKETS', 2000, 0),
  };
  const lines: string[] = [
    `  ${knobs.opens} opens at ${knobs.concurrency} keep-alive connections (after ${WARM_UP_OPENS} warm-up opens) in ` +
      `${ROUNDS} rounds, each followed by as many raw inserts; then ${knobs.serialOpens} of each one at a time;`,
    `  ${knobs.timerTickets} tickets × (no-op, move, cancel) timers.replace; ${knobs.actionTickets} × (GET, priority ` +
      `change) interleaved after ${ACTION_WARM_UP} not counted. Every database starts empty.`,
    '',
  ];
  const checks: Check[] = [];
  const embedded = await measure('embedded', knobs, undefined);
  lines.push(...embedded.lines);
  checks.push(...embedded.checks);
  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    try {
      const other = await measure('MONGODB_URI', knobs, external);
      lines.push('', ...other.lines);
      checks.push(...other.checks);
    } catch (error) {
      // The embedded figures above still stand; the run against MONGODB_URI fails on its own.
      lines.push('', `  MONGODB_URI: the run failed: ${redactUriCredentials(String(error))}`);
      checks.push({ name: 'MONGODB_URI: run', ok: false, detail: redactUriCredentials(String(error)) });
    }
  } else {
    lines.push('', '  (MONGODB_URI not set: the same run against a MongoDB server was skipped)');
  }
  return { lines, checks };
}

const bench: Bench = {
  name: 'api',
  description:
    'tickets opened per second through the HTTP API, latency, and the cost of rescheduling SLA timers',
  run,
};
export default bench;
