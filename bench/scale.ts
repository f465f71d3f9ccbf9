/**
 * The storage-at-scale benchmark: the desk as `npm start` runs it (one process, web and worker, on
 * the embedded FerretDB), timed on a small store and again on a large one in the same run.
 *
 * The benchmark loads tickets through the project's own store (ids from the desk's id generator,
 * `tickets.insert`, `audit.append`, `timers.replace`), in registration order: the first 90 % closed,
 * then 5 % new with their SLA timers planned and 5 % in progress (stratiteq has no resolution
 * clock, so those have none), over 20 customer organisations. The large store keeps the small
 * one's tickets, so it has 10 % open (half with timers) too. At each size it starts `node bin/sladesk.js start` on that data
 * directory as a child process and measures
 * - start-up: from spawning to the first 200 from `/healthz`;
 * - each call over HTTP, one at a time, after a warm-up: open, GET one (a random stored ticket),
 *   claim, internal comment, resolve, a ticket's history, and pages of 50 of the lists (the desk,
 *   one organisation's tickets as its contact sees them, the open queue, and the desk's next page);
 * - the idle desk: CPU time of the node process and of its FerretDB over a quiet window (the
 *   worker polls for due timers meanwhile), and the RSS of both.
 * Targets are checked on the large store; growth is the large/small ratio of each call's median.
 *
 * Knobs (defaults in brackets): SCALE_BENCH_TICKETS [100000], SCALE_BENCH_SMALL [1000],
 * SCALE_BENCH_SAMPLES [50] per call, SCALE_BENCH_IDLE_S [90], SCALE_BENCH_LOAD_CONCURRENCY [16].
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addAgent, addContact, createOrganisation } from '../src/app/directory.ts';
import type { Organisation } from '../src/domain/desk/organisation.ts';
import type { Person } from '../src/domain/desk/people.ts';
import type { TicketEvent } from '../src/domain/tickets/events.ts';
import {
  accept,
  claim,
  openTicket,
  resolve,
  startWork,
  type Change,
} from '../src/domain/tickets/lifecycle.ts';
import { ticketTimers } from '../src/domain/tickets/timers.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log.ts';
import { openDesk, type OpenDesk } from '../src/runtime/open-desk.ts';
import { freeLoopbackPort } from '../src/store/embedded-ferretdb.ts';
import { drive, fmtMs, httpClient, latency, row, type HttpClient, type Latency } from './http-load.ts';
import type { Bench, BenchReport, Check } from './run.ts';
import { intFromEnv } from './knobs.ts';

const TARGET_CALL_P99_MS = 100;
const TARGET_LIST_P99_MS = 150;
const TARGET_GROWTH = 2;
const TARGET_IDLE_CPU_PCT = 5;
const TARGET_STARTUP_MS = 5_000;

const CONTRACT = 'stratiteq';
const ORGANISATIONS = 20;
const WARM_UP = 5;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;

interface Directory {
  organisations: Organisation[];
  contacts: Person[];
  agent: Person;
  orgKey: string;
  adminKey: string;
}

/**
 * Which kind the n-th ticket of a store of `size` is. As at a real desk, what is still open is what
 * came in last: the first 90 % are closed, the last 10 % half new (with SLA timers), half in progress.
 */
const kindOf = (n: number, size: number): 'closed' | 'new' | 'in_progress' =>
  n < 0.9 * size ? 'closed' : n % 2 === 0 ? 'new' : 'in_progress';

/** Loads tickets through the desk's own store, `concurrency` at a time. */
async function loadTickets(
  desk: OpenDesk,
  directory: Directory,
  from: number,
  to: number,
  concurrency: number,
) {
  const { deps } = desk;
  const contract = deps.contracts.contract(CONTRACT);
  const now = Date.now();
  await drive(to - from, concurrency, async (i) => {
    const n = from + i;
    const kind = kindOf(n, to);
    const organisationIndex = n % ORGANISATIONS;
    const contact = directory.contacts[organisationIndex]!;
    // Closed tickets lie in the past two years; open ones were registered now, so that their
    // timers lie hours ahead and none fires during the measurements.
    const at = new Date(kind === 'closed' ? now - 2 * 365 * DAY + (n / to) * 700 * DAY : now);
    const events: TicketEvent[] = [];
    const step = (change: Change) => {
      events.push(...change.events);
      return change.ticket;
    };
    let ticket = step(
      openTicket(
        {
          id: await deps.ids.nextTicketId(),
          organisationId: directory.organisations[organisationIndex]!.id,
          requesterId: contact.id,
          category: n % 7 === 0 ? 'user_support' : 'incident',
          title: `Loaded ${n}: the invoice export stops halfway`,
          description: 'Since this morning the nightly export of invoices to the ERP stops with a timeout.',
          priority: contract.terms.defaultPriority,
        },
        contract,
        { actorId: contact.id, at },
      ),
    );
    if (kind !== 'new') {
      const by = { actorId: directory.agent.id, at };
      ticket = step(claim(ticket, by));
      ticket = step(startWork(ticket, by));
    }
    if (kind === 'closed') {
      ticket = step(resolve(ticket, contract, { actorId: directory.agent.id, at }));
      ticket = step(accept(ticket, { actorId: contact.id, at }));
    }
    const saved = await deps.tickets.insert(ticket, { events, notices: [] });
    await deps.pendingChanges.done(saved.id, saved.version);
    const timers = ticketTimers(saved, contract);
    if (timers.length > 0) await deps.timers.replace(saved.id, timers);
  });
}

async function seedDirectory(desk: OpenDesk): Promise<Directory> {
  const organisations: Organisation[] = [];
  const contacts: Person[] = [];
  for (let i = 0; i < ORGANISATIONS; i++) {
    const organisation = await createOrganisation(desk.deps, {
      name: `Customer ${i} AB`,
      contractId: CONTRACT,
      locale: 'sv',
    });
    organisations.push(organisation);
    contacts.push(
      await addContact(desk.deps, organisation.id, { name: `Contact ${i}`, email: `c${i}@c.example` }),
    );
  }
  const agent = await addAgent(desk.deps, { name: 'Alva Agent', email: 'alva@desk.example' });
  const orgKey = (
    await desk.store.apiKeys.create({ kind: 'organisation', organisationId: organisations[0]!.id }, 'bench')
  ).key;
  const adminKey = (await desk.store.apiKeys.create({ kind: 'admin' }, 'bench')).key;
  return { organisations, contacts, agent, orgKey, adminKey };
}

// ---------------------------------------------------------------------------------------------
// The desk as a child process

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

async function processTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** The child processes of `pid` named `name` (FerretDB under the desk). */
async function childrenNamed(pid: number, name: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && comm === name) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

interface RunningChild {
  child: ChildProcess;
  url: string;
  startupMs: number;
  databasePid: number | undefined;
  stop(): Promise<void>;
}

async function startChildDesk(dataDir: string): Promise<RunningChild> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const began = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/sladesk.js'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SLADESK_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MONGODB_URI: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4_000)));
  const exited = new Promise<void>((settle) => child.once('exit', () => settle()));
  const probe = httpClient(url, 1);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the desk exited before it was healthy:\n${output}`);
      const reply = await probe.call('GET', '/healthz');
      if (reply.status === 200) break;
      if (performance.now() - began > 120_000)
        throw new Error(`the desk was not healthy in 120 s:\n${output}`);
      await new Promise((wake) => setTimeout(wake, 20));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    probe.close();
  }
  const startupMs = performance.now() - began;
  const [databasePid] = await childrenNamed(child.pid!, 'ferretdb');
  return {
    child,
    url,
    startupMs,
    databasePid,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One size

interface SizeFigures {
  stored: number;
  startupMs: number;
  calls: Map<string, Latency>;
  idleCpuPct: { node: number; database: number };
  rss: { node: number; database: number };
  problems: string[];
}

async function measureSize(
  dataDir: string,
  stored: number,
  directory: Directory,
  samples: number,
  idleS: number,
) {
  const desk = await startChildDesk(dataDir);
  const client = httpClient(desk.url, 1);
  const problems: string[] = [];
  const calls = new Map<string, Latency>();
  const asContact = {
    authorization: `Bearer ${directory.orgKey}`,
    'x-sladesk-person': directory.contacts[0]!.id,
  };
  const asAgent = { authorization: `Bearer ${directory.adminKey}`, 'x-sladesk-person': directory.agent.id };
  const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

  /** Runs `call` WARM_UP + samples times, one at a time; keeps the timings of those after the warm-up. */
  const time = async (label: string, call: (i: number) => ReturnType<HttpClient['call']>, ok = 200) => {
    const timings: number[] = [];
    for (let i = 0; i < WARM_UP + samples; i++) {
      const reply = await call(i);
      if (reply.status !== ok) {
        problems.push(`${label}: ${reply.status} ${reply.failure ?? reply.text.slice(0, 200)}`);
        continue;
      }
      if (i >= WARM_UP) timings.push(reply.ms);
    }
    calls.set(label, latency(timings));
  };
  try {
    const opened: string[] = [];
    await time(
      'open',
      async () => {
        const reply = await client.call('POST', '/api/tickets', asContact, {
          category: 'incident',
          title: 'The portal answers 502',
          description: 'Since 10:00 every login ends in a 502.',
        });
        if (reply.status === 201) opened.push(String(parse(reply.text).id));
        return reply;
      },
      201,
    );
    const randomId = (i: number) => `SD-${1 + ((i * 7_919) % stored)}`;
    await time('GET one', (i) => client.call('GET', `/api/tickets/${randomId(i)}`, asAgent));
    await time('history', (i) => client.call('GET', `/api/tickets/${randomId(i)}/history`, asAgent));
    await time('claim', (i) => client.call('POST', `/api/tickets/${opened[i]}/actions/claim`, asAgent));
    await time('comment', (i) =>
      client.call('POST', `/api/tickets/${opened[i]}/actions/comment`, asAgent, {
        body: 'Looking at the load balancer logs now.',
        visibility: 'internal',
      }),
    );
    await time('resolve', (i) => client.call('POST', `/api/tickets/${opened[i]}/actions/resolve`, asAgent));

    const page = async (label: string, path: string, headers: Record<string, string>) => {
      let next: string | undefined;
      await time(label, async () => {
        const reply = await client.call('GET', path, headers);
        if (reply.status === 200) {
          const body = parse(reply.text) as { tickets: Array<{ id: string }>; nextCursor?: string };
          const distinct = new Set(body.tickets.map((t) => t.id)).size;
          // A short page is right only at the end of the list.
          if (
            distinct !== body.tickets.length ||
            (body.tickets.length !== 50 && body.nextCursor !== undefined)
          )
            problems.push(
              `${label}: a page of ${body.tickets.length} (${distinct} distinct) with more to come`,
            );
          next = body.nextCursor;
        }
        return reply;
      });
      return next;
    };
    const deskNext = await page('list: desk, page 1', '/api/tickets?limit=50', asAgent);
    await page('list: desk, next page', `/api/tickets?limit=50&cursor=${deskNext}`, asAgent);
    await page('list: organisation (contact)', '/api/tickets?limit=50', asContact);
    await page(
      'list: open queue',
      '/api/tickets?limit=50&status=new,claimed,in_progress,waiting_on_customer,resolved',
      asAgent,
    );

    // Idle: nobody calls; the worker polls for due timers.
    const pids = { node: desk.child.pid!, database: desk.databasePid };
    await new Promise((wake) => setTimeout(wake, 3_000));
    const before = {
      node: await processTicks(pids.node),
      database: pids.database ? await processTicks(pids.database) : 0,
    };
    await new Promise((wake) => setTimeout(wake, idleS * 1000));
    const after = {
      node: await processTicks(pids.node),
      database: pids.database ? await processTicks(pids.database) : 0,
    };
    const pct = (ticks: number) => (ticks / CLOCK_TICKS / idleS) * 100;
    const figures: SizeFigures = {
      stored,
      startupMs: desk.startupMs,
      calls,
      idleCpuPct: { node: pct(after.node - before.node), database: pct(after.database - before.database) },
      rss: { node: await rssBytes(pids.node), database: pids.database ? await rssBytes(pids.database) : 0 },
      problems,
    };
    if (!pids.database) problems.push('no FerretDB process found under the desk');
    return figures;
  } finally {
    client.close();
    await desk.stop();
  }
}

// ---------------------------------------------------------------------------------------------

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const bench: Bench = {
  name: 'scale',
  description: 'the desk (web + worker, embedded FerretDB) at a small and a large store, same run',
  async run(): Promise<BenchReport> {
    const large = intFromEnv('SCALE_BENCH_TICKETS', 100_000, 100);
    const small = Math.min(intFromEnv('SCALE_BENCH_SMALL', 1_000, 20), large);
    const samples = intFromEnv('SCALE_BENCH_SAMPLES', 50);
    const idleS = intFromEnv('SCALE_BENCH_IDLE_S', 90);
    const concurrency = intFromEnv('SCALE_BENCH_LOAD_CONCURRENCY', 16);
    const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-bench-scale-'));
    const lines: string[] = [];
    const checks: Check[] = [];
    try {
      const config = loadConfig({ SLADESK_DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: '0' });
      const logger = createLogger(config, process.stderr);
      const load = async (from: number, to: number, directory?: Directory) => {
        const desk = await openDesk(config, logger);
        try {
          const seeded = directory ?? (await seedDirectory(desk));
          const began = performance.now();
          await loadTickets(desk, seeded, from, to, concurrency);
          const seconds = (performance.now() - began) / 1000;
          lines.push(
            `  loaded tickets ${from + 1}…${to} in ${seconds.toFixed(0)} s (${((to - from) / seconds).toFixed(0)} /s)`,
          );
          return seeded;
        } finally {
          await desk.close();
        }
      };
      const directory = await load(0, small);
      const atSmall = await measureSize(dataDir, small, directory, samples, idleS);
      await load(small, large, directory);
      const atLarge = await measureSize(dataDir, large, directory, samples, idleS);

      const widths = [30, 10, 10, 10, 10, 8];
      lines.push(
        '',
        row(
          ['call (one at a time)', `p50 ${small}`, `p99 ${small}`, `p50 ${large}`, `p99 ${large}`, 'growth'],
          widths,
        ),
      );
      for (const [label, bigger] of atLarge.calls) {
        const smaller = atSmall.calls.get(label)!;
        const growth = bigger.p50 / smaller.p50;
        lines.push(
          row(
            [
              label,
              fmtMs(smaller.p50),
              fmtMs(smaller.p99),
              fmtMs(bigger.p50),
              fmtMs(bigger.p99),
              `×${growth.toFixed(2)}`,
            ],
            widths,
          ),
        );
        const target = label.startsWith('list') ? TARGET_LIST_P99_MS : TARGET_CALL_P99_MS;
        checks.push({
          name: `${label} p99 at ${large}`,
          ok: bigger.p99 < target,
          detail: `${fmtMs(bigger.p99)} < ${target} ms`,
        });
        checks.push({
          name: `${label} growth ${small} → ${large}`,
          ok: growth <= TARGET_GROWTH,
          detail: `×${growth.toFixed(2)} ≤ ×${TARGET_GROWTH} (p50)`,
        });
      }
      lines.push('');
      for (const figures of [atSmall, atLarge]) {
        lines.push(
          `  ${figures.stored} tickets: start-up to /healthz ${fmtMs(figures.startupMs)}; idle CPU node ${figures.idleCpuPct.node.toFixed(2)} %, ` +
            `FerretDB ${figures.idleCpuPct.database.toFixed(2)} % of one core over ${idleS} s; RSS node ${MiB(figures.rss.node)}, FerretDB ${MiB(figures.rss.database)}`,
        );
      }
      const idle = atLarge.idleCpuPct.node + atLarge.idleCpuPct.database;
      checks.push({
        name: `idle desk CPU at ${large}`,
        ok: idle < TARGET_IDLE_CPU_PCT,
        detail: `${idle.toFixed(2)} % < ${TARGET_IDLE_CPU_PCT} % of one core (node + FerretDB)`,
      });
      checks.push({
        name: `start-up at ${large}`,
        ok: atLarge.startupMs < TARGET_STARTUP_MS,
        detail: `${fmtMs(atLarge.startupMs)} < ${TARGET_STARTUP_MS} ms`,
      });
      const problems = [...atSmall.problems, ...atLarge.problems];
      checks.push({
        name: 'every call answered as expected',
        ok: problems.length === 0,
        detail: problems.length === 0 ? 'all' : problems.slice(0, 3).join('; '),
      });
      return { lines, checks };
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
