/**
 * The outbox benchmark: notifications delivered per second through the in-memory test channel on
 * the embedded database, and the delay from a use case's call to the channel's post or update of
 * each message it caused (p50/p99), with a raw `insertOne` of a message-sized document on the same
 * database as the yardstick, and the delivery rate with an empty history against a large one.
 *
 * The desk is the real one: `openDesk` on a new temporary data directory starts the embedded
 * FerretDB; the application (`assembleDeps` over the real store and the agenda timer scheduler,
 * on a second connection to the same database whose driver reports every command) delivers to a
 * `MemoryChannel` that reaches people through their web identities and posts triage cards to a
 * named triage place, so conversations, threads and the living triage card are all exercised as
 * with a chat platform. The clock is the system clock.
 *
 * Phases:
 * 1. Throughput, empty history: with the channel down, open N tickets and claim each (4 messages a
 *    ticket: the requester's "opened" and "assigned", the triage card's post and its update), so
 *    every delivery fails its first try and waits in the outbox; wait for the retry to fall due
 *    (30 s after the last failure, real time), bring the channel up and time
 *    `deps.delivery.deliverDue(limit)` passes until one finds nothing due, each pass followed by
 *    its share of the raw inserts (timed apart).
 * 2. Delay from event to delivery: opens, then claims, then public comments (M each) at concurrency
 *    1 and then C, channel up: from the call of `openTicket`/`claim`/`comment` to the channel's
 *    `post`/`update` of each of the change's messages.
 * 3. History: D confirmed deliveries (claim and confirmation each) in `notification_deliveries` and
 *    F given-up entries kept in the outbox, as a desk's months of use leave them.
 * 4. Throughput again, with that history; and the poll that finds nothing due, at both points.
 *
 * Environment knobs (defaults in brackets): OUTBOX_BENCH_TICKETS [150], OUTBOX_BENCH_LIMIT [100]
 * (the `deliverDue` pass size, the relay's own), OUTBOX_BENCH_ACTIONS [40] (per kind and
 * concurrency), OUTBOX_BENCH_CONCURRENCY [4], OUTBOX_BENCH_HISTORY_DELIVERIES [20000],
 * OUTBOX_BENCH_HISTORY_FAILED [2000], OUTBOX_BENCH_RAW_INSERTS [200] (per drain, spread over its passes).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BSON, type Document } from 'mongodb';
import mongoose from 'mongoose';
import type { DeskDeps } from '../src/app/desk-deps.ts';
import { addAgent, addContact, createOrganisation, linkIdentity } from '../src/app/directory.ts';
import type { Address, MessageRef } from '../src/app/messaging/channel.ts';
import { MAX_DELIVERY_ATTEMPTS } from '../src/app/messaging/delivery.ts';
import type { OutgoingMessage } from '../src/app/messaging/message.ts';
import type { OutboxEntry } from '../src/app/ports.ts';
import { setTriagePlace } from '../src/app/messaging/messaging-admin.ts';
import { openTicket } from '../src/app/open-ticket.ts';
import { claim, comment } from '../src/app/ticket-actions.ts';
import { MemoryChannel } from '../src/channels/memory/memory-channel.ts';
import { loadConfig } from '../src/config/config.ts';
import type { Person } from '../src/domain/desk/people.ts';
import { createAgendaJobs, RELAY_EVERY } from '../src/jobs/agenda-jobs.ts';
import { createLogger } from '../src/log.ts';
import { assembleDeps } from '../src/runtime/assemble-deps.ts';
import { openDesk } from '../src/runtime/open-desk.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { createMongoStore } from '../src/store/mongo/index.ts';
import { drive, fmtMs, fmtPerS, latency, row, type Latency } from './http-load.ts';
import { intFromEnv } from './knobs.ts';
import { monitorCommands, newProfile, type CommandProfile } from './command-profile.ts';
import type { Bench, BenchReport, Check } from './run.ts';
import { tidyUp } from './cleanup.ts';

/**
 * Targets, set after the first runs on this machine (see BENCHMARKS.md, "Outbox"). A desk sends a
 * few messages per change and tens to hundreds of changes a day, so the rate matters after an
 * outage, when the backlog of everything that could not go out is sent at once: at ≥ 30 /s the
 * backlog of a busy hour (a few hundred messages) is out within ten seconds of passes; a quiet run
 * gives ~90 /s, one under a load average of 8 gives 36–75 /s. What a person feels is the delay:
 * the triage card and the requester's message should follow the click as chat messages do, at
 * p99 under 0.3 s one change at a time (a quiet run: ~0.1 s), leaving room for the platform's own
 * hop before the second where waiting is noticed. Four changes at once wait behind each other's
 * writes (SQLite takes one at a time, a change with its deliveries is 21–31 commands): 2× the
 * serial line (a quiet run: ~0.3 s; under a load of 8: 0.7–1.2 s, so read it from a run alone).
 * History must not slow delivery: ≤ 1.5× allows for this machine's noise; the poll that finds
 * nothing due, a millisecond-sized figure, may jitter by ×3 but not grow with history.
 */
const TARGET_DELIVERIES_PER_S = 30;
const TARGET_DELAY_P99_SERIAL_MS = 300;
const TARGET_DELAY_P99_CONCURRENT_MS = 600;
const TARGET_GROWTH = 1.5;
const TARGET_IDLE_POLL_GROWTH = 3;

/** `relayPending` calls `deliverDue()` once per run, with its default pass size. */
const RELAY_PASS = 100;
const CHANNEL = 'memory';
const TRIAGE_PLACE = 'triage-room';
const CONTRACT = 'stratiteq';
const WARM_UP = 5;
const IDLE_POLLS = 10;
const RAW_COLLECTION = 'bench_raw_inserts';
const DESCRIPTION =
  'Since this morning the nightly export of invoices to the ERP stops halfway with a timeout. ' +
  'About 40 % of yesterday’s invoices are missing on the ERP side, and finance needs them for ' +
  'the month-end close on Friday.';
const COMMENT =
  'We have found the invoice the export stops at: its customer reference is 300 characters long. ' +
  'A fix is on its way; until then the export skips it.';

interface Knobs {
  tickets: number;
  limit: number;
  actions: number;
  concurrency: number;
  historyDeliveries: number;
  historyFailed: number;
  rawInserts: number;
}

type EventType = OutgoingMessage['event']['type'];

/** One send as the platform saw it, stamped when the channel's post or update ran. */
interface Stamp {
  at: number;
  op: 'post' | 'update';
  messageId: string;
  ticketId: string;
  event: EventType;
  kind: OutgoingMessage['kind'];
}

/**
 * The in-memory platform, stamping every post and update with `performance.now()` as it runs, and
 * down on request: while `down`, every send throws, as `failNext` makes it (same path in the core).
 */
class TimedChannel extends MemoryChannel {
  down = false;
  stamps: Stamp[] = [];

  constructor() {
    super({ name: CHANNEL, reach: 'identities', identityChannel: 'web' });
  }

  override async post(address: Address, message: OutgoingMessage, thread?: MessageRef): Promise<MessageRef> {
    this.stamp('post', message);
    return super.post(address, message, thread);
  }

  override async update(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    this.stamp('update', message);
    return super.update(ref, message);
  }

  private stamp(op: Stamp['op'], message: OutgoingMessage): void {
    if (this.down) throw new Error(`${this.name} is down`);
    this.stamps.push({
      at: performance.now(),
      op,
      messageId: message.id,
      ticketId: message.ticketId,
      event: message.event.type,
      kind: message.kind,
    });
  }
}

/** A profile per delivery: "4.0 commands, 9.1 ms in the database: 1× insert notification_deliveries 2.3 ms, …". */
function describeProfile(p: CommandProfile, per: number, indent = '    '): string[] {
  const each = (x: number) => x / per;
  const count = (n: number) => (Number.isInteger(each(n)) ? String(each(n)) : each(n).toFixed(2));
  const parts = [...p.commands.entries()]
    .sort((x, y) => y[1].ms - x[1].ms || x[0].localeCompare(y[0]))
    .map(([what, { n, ms }]) => `${count(n)}× ${what} ${fmtMs(each(ms))}`);
  const wrapped: string[] = [];
  for (const part of parts) {
    const last = wrapped.at(-1);
    if (last !== undefined && last.length + part.length < 104)
      wrapped[wrapped.length - 1] = `${last}, ${part}`;
    else wrapped.push(part);
  }
  return [
    `${indent}${count(p.total)} commands, ${fmtMs(each(p.ms))} waiting on the database:`,
    ...wrapped.map((line) => `${indent}  ${line}`),
  ];
}

/** What a profile spends most of its database time on: "find outbox 15.3 ms, insert … 2.95 ms". */
function topCommands(p: CommandProfile, per: number, k = 3): string {
  return [...p.commands.entries()]
    .sort((x, y) => y[1].ms - x[1].ms)
    .slice(0, k)
    .map(([what, { n, ms }]) => `${(n / per).toFixed(n % per === 0 ? 0 : 2)}× ${what} ${fmtMs(ms / per)}`)
    .join(', ');
}

interface People {
  contact: Person;
  agents: Person[];
}

interface DrainResult {
  label: string;
  /** Entries in the outbox when the drain began (pending), and the given-up ones kept beside them. */
  backlog: number;
  keptFailed: number;
  historyDeliveries: number;
  buildMs: number;
  delivered: number;
  passes: number;
  ms: number;
  perS: number;
  /** Each pass's time: the first ones full (`limit` entries), the last one finding nothing due. */
  passMs: number[];
  profile: CommandProfile;
  raw: { perS: number; lat: Latency };
  lost: number;
  doubled: number;
  strays: number;
  leftPending: number;
  leftFailedNew: number;
  threadsWrong: number;
  cardsWrong: number;
  idlePoll: Latency;
  idleProfile: CommandProfile;
}

interface DelayResult {
  concurrency: number;
  kind: 'open' | 'claim' | 'comment';
  /** Call → each message's post/update. */
  delay: Latency;
  /** Call → the change's last message. */
  lastDelay: Latency;
  /** Call → the use case's answer. */
  answer: Latency;
  messages: number;
  samples: number[];
  missing: number;
  extra: number;
  wallMs: number;
}

async function run(): Promise<BenchReport> {
  const knobs: Knobs = {
    tickets: intFromEnv('OUTBOX_BENCH_TICKETS', 150),
    limit: intFromEnv('OUTBOX_BENCH_LIMIT', 100),
    actions: intFromEnv('OUTBOX_BENCH_ACTIONS', 40),
    concurrency: intFromEnv('OUTBOX_BENCH_CONCURRENCY', 4),
    historyDeliveries: intFromEnv('OUTBOX_BENCH_HISTORY_DELIVERIES', 20_000, 0),
    historyFailed: intFromEnv('OUTBOX_BENCH_HISTORY_FAILED', 2_000, 0),
    rawInserts: intFromEnv('OUTBOX_BENCH_RAW_INSERTS', 200),
  };
  const lines: string[] = [];
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'sladesk-bench-outbox-'));
  try {
    // Not process.env: the run is on the embedded database whatever MONGODB_URI says.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SLADESK_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const logger = createLogger(config, process.stderr);
    const desk = await openDesk(config, logger);
    cleanups.push(() => desk.close());
    const connection = await mongoose
      .createConnection(desk.database.uri, {
        dbName: desk.database.connection.name,
        monitorCommands: true,
        bufferCommands: false,
      })
      .asPromise();
    cleanups.push(() => connection.close());
    const db = connection.db;
    if (!db) throw new Error('no database on the benchmark connection');
    const monitored = monitorCommands(connection);
    const store = createMongoStore(connection, { ticketPrefix: config.ticketPrefix });
    await store.ensureIndexes();
    const jobs = createAgendaJobs({ connection, logger });
    cleanups.push(() => jobs.stop());
    await jobs.scheduler.replace('warm-up', []);
    const channel = new TimedChannel();
    // The core warns on every failed send; a backlog is hundreds of them, counted instead of logged.
    let warnings = 0;
    const deps: DeskDeps = assembleDeps(store, {
      clock: systemClock,
      waiter: desk.deps.waiter,
      timers: jobs.scheduler,
      contracts: desk.deps.contracts,
      channels: [channel],
      triageLocale: 'en',
      logger: { warn: () => void warnings++ },
    });

    // --- The desk: a customer, its contact, agents, all with web identities; the triage place.
    await setTriagePlace(deps, CHANNEL, TRIAGE_PLACE);
    const organisation = await createOrganisation(deps, {
      name: 'Outbox AB',
      contractId: CONTRACT,
      locale: 'sv',
    });
    const contact = await addContact(deps, organisation.id, {
      name: 'Olle Outbox',
      email: 'olle@outbox.example',
    });
    const agents: Person[] = [];
    for (let i = 1; i <= Math.max(1, knobs.concurrency); i++)
      agents.push(await addAgent(deps, { name: `Agent ${i}`, email: `agent${i}@desk.example` }));
    for (const person of [contact, ...agents])
      await linkIdentity(deps, person.id, { channel: 'web', externalId: `login-${person.id}` });
    const people: People = { contact, agents };
    const outbox = db.collection<Document & { _id: string }>('outbox');
    const deliveriesLog = db.collection<Document & { _id: string }>('notification_deliveries');
    const raw = db.collection<Document & { _id: string }>(RAW_COLLECTION);

    let seq = 0;
    const open = () =>
      openTicket(deps, people.contact.id, {
        organisationId: organisation.id,
        requesterId: people.contact.id,
        source: 'api',
        category: 'incident',
        title: `Outbox ${++seq}: the invoice export to the ERP stops halfway`,
        description: DESCRIPTION,
      });

    // Warm-up: JIT, the counters and the first conversations; not counted.
    for (let i = 0; i < WARM_UP; i++) {
      const ticket = await open();
      await claim(deps, agents[0]!.id, ticket.id);
      await comment(deps, agents[0]!.id, ticket.id, { body: COMMENT, visibility: 'public' });
    }
    let rawDocument: Document | undefined;
    /** A backlog entry as the store gives it out: what the history's given-up entries are made of. */
    let sampleEntry: OutboxEntry | undefined;
    let rawSeq = 0;

    // --- Throughput: a backlog made while the channel is down, then drained -----------------------
    const throughput = async (label: string): Promise<DrainResult> => {
      channel.down = true;
      const buildStarted = performance.now();
      const ticketIds: string[] = [];
      for (let i = 0; i < knobs.tickets; i++) {
        const ticket = await open();
        await claim(deps, agents[i % agents.length]!.id, ticket.id);
        ticketIds.push(ticket.id);
      }
      const buildMs = performance.now() - buildStarted;
      const mine = new Set(ticketIds);
      const entries = await outbox.find({ dueAt: { $exists: true } }).toArray();
      const keptFailed = (await store.outbox.backlog()).failed;
      const historyDeliveries = await deliveriesLog.countDocuments({});
      if (entries.length === 0) throw new Error(`${label}: the backlog is empty; did the channel fail?`);
      const sample = entries[0]!;
      if (!rawDocument) {
        const { _id, ...document } = sample;
        rawDocument = document;
      }
      sampleEntry ??= (await store.outbox.due(new Date(Date.now() + 3_600_000), 1))[0];
      // Every entry's retry is due 30 s after its failure: wait for the last, as the worker would.
      const lastDue = Math.max(...entries.map((e) => (e.dueAt as Date).getTime()));
      const waitMs = lastDue - Date.now() + 50;
      if (waitMs > 0) await sleep(waitMs);

      // The drain, pass by pass; after each pass a share of the yardstick (raw inserts of a
      // message-sized document, one at a time, same database), so that drift hits both alike.
      channel.down = false;
      const stampsBefore = channel.stamps.length;
      const sentBefore = channel.sent.length;
      const rawPerPass = Math.ceil(knobs.rawInserts / (Math.ceil(entries.length / knobs.limit) + 1));
      const rawTimes: number[] = [];
      const passMs: number[] = [];
      const profile = newProfile();
      for (let handled = -1; handled !== 0;) {
        const passStarted = performance.now();
        [{ due: handled }] = await monitored.during(() => deps.delivery.deliverDue(knobs.limit), profile);
        passMs.push(performance.now() - passStarted);
        for (let i = 0; i < rawPerPass; i++) {
          const t = performance.now();
          await raw.insertOne({ ...rawDocument, _id: `RAW-${++rawSeq}` });
          rawTimes.push(performance.now() - t);
        }
      }
      const passes = passMs.length;
      const ms = passMs.reduce((a, b) => a + b, 0);
      const rawPerS = rawTimes.length / (rawTimes.reduce((a, b) => a + b, 0) / 1000);
      const stamps = channel.stamps.slice(stampsBefore);

      // Nothing lost, nothing doubled: each entry's message posted or updated exactly once.
      const byMessage = new Map<string, number>();
      for (const stamp of stamps) byMessage.set(stamp.messageId, (byMessage.get(stamp.messageId) ?? 0) + 1);
      const expected = new Set(entries.map((e) => (e.message as OutgoingMessage).id));
      let lost = 0;
      let doubled = 0;
      for (const id of expected) {
        const n = byMessage.get(id) ?? 0;
        if (n === 0) lost++;
        if (n > 1) doubled += n - 1;
      }
      const strays = [...byMessage.keys()].filter((id) => !expected.has(id)).length;
      const leftPending = await outbox.countDocuments({ dueAt: { $exists: true } });
      const leftFailedNew = (await store.outbox.backlog()).failed - keptFailed;
      // The conversations as a platform shows them: the requester's thread holds "opened" and then
      // "assigned" under it; the triage card was posted once and updated once, in place.
      let threadsWrong = 0;
      let cardsWrong = 0;
      const posted = channel.sent.slice(sentBefore);
      for (const id of mine) {
        const ofTicket = posted.filter((m) => m.ticketId === id);
        const requester = ofTicket.filter((m) => m.message.audience === 'requester');
        const root = requester.find((m) => !m.thread);
        const replies = requester.filter((m) => m.thread);
        if (
          !root ||
          root.key !== 'opened' ||
          replies.length !== 1 ||
          replies[0]!.key !== 'assigned' ||
          replies[0]!.thread?.thread !== root.ref.thread
        )
          threadsWrong++;
        const cards = ofTicket.filter((m) => m.message.audience === 'triage');
        if (cards.length !== 1 || cards[0]!.updates !== 1 || cards[0]!.message.event.type !== 'claimed')
          cardsWrong++;
      }

      // The poll as the relay runs it every minute when nothing is due.
      const idleTimes: number[] = [];
      const [, idleProfile] = await monitored.during(async () => {
        for (let i = 0; i < IDLE_POLLS; i++) {
          const t = performance.now();
          await deps.delivery.deliverDue(knobs.limit);
          idleTimes.push(performance.now() - t);
        }
      });

      return {
        label,
        backlog: entries.length,
        keptFailed,
        historyDeliveries,
        buildMs,
        delivered: stamps.length,
        passes,
        ms,
        perS: stamps.length / (ms / 1000),
        passMs,
        profile,
        raw: { perS: rawPerS, lat: latency(rawTimes) },
        lost,
        doubled,
        strays,
        leftPending,
        leftFailedNew,
        threadsWrong,
        cardsWrong,
        idlePoll: latency(idleTimes),
        idleProfile,
      };
    };

    const empty = await throughput('empty history');

    // --- Delay from the call to the channel's post/update -------------------------------------------
    const expectedMessages = { open: 2, claim: 2, comment: 1 } as const;
    const eventOf = { open: 'opened', claim: 'claimed', comment: 'commented' } as const;
    const delays: DelayResult[] = [];
    const concurrencies = [...new Set([1, knobs.concurrency])];
    const delayProfiles: {
      concurrency: number;
      kind: DelayResult['kind'];
      profile: CommandProfile;
      n: number;
    }[] = [];
    for (const concurrency of concurrencies) {
      let ticketIds: string[] = [];
      for (const kind of ['open', 'claim', 'comment'] as const) {
        const calls: { ticketId: string; started: number; answered: number }[] = [];
        const [done, profile] = await monitored.during(() =>
          drive(knobs.actions, concurrency, async (i) => {
            const agent = agents[i % agents.length]!;
            const started = performance.now();
            const ticket =
              kind === 'open'
                ? await open()
                : kind === 'claim'
                  ? await claim(deps, agent.id, ticketIds[i]!)
                  : await comment(deps, agent.id, ticketIds[i]!, { body: COMMENT, visibility: 'public' });
            calls[i] = { ticketId: ticket.id, started, answered: performance.now() - started };
          }),
        );
        if (kind === 'open') ticketIds = calls.map((c) => c.ticketId);
        const all: number[] = [];
        const last: number[] = [];
        let missing = 0;
        let extra = 0;
        for (const call of calls) {
          const seen = channel.stamps.filter(
            (s) => s.ticketId === call.ticketId && s.event === eventOf[kind] && s.at >= call.started,
          );
          missing += Math.max(0, expectedMessages[kind] - seen.length);
          extra += Math.max(0, seen.length - expectedMessages[kind]);
          for (const s of seen) all.push(s.at - call.started);
          if (seen.length > 0) last.push(Math.max(...seen.map((s) => s.at)) - call.started);
        }
        delays.push({
          concurrency,
          kind,
          delay: latency(all),
          lastDelay: latency(last),
          answer: latency(calls.map((c) => c.answered)),
          messages: all.length,
          samples: all,
          missing,
          extra,
          wallMs: done.wallMs,
        });
        delayProfiles.push({ concurrency, kind, profile, n: knobs.actions });
      }
    }
    const afterDelays = await outbox.countDocuments({ dueAt: { $exists: true } });

    // --- History: months of confirmed deliveries, and given-up entries kept for an operator --------
    const fillStarted = performance.now();
    let keptIn = '-';
    const inBatches = async (count: number, make: (n: number) => Document, into: string) => {
      for (let done = 0; done < count; done += 500) {
        const batch = Array.from({ length: Math.min(500, count - done) }, (_, k) => make(done + k));
        await db.collection(into).insertMany(batch);
      }
    };
    const longAgo = Date.now() - 90 * 24 * 3_600_000;
    // Each confirmed delivery as the log keeps it: the claim of its first attempt, then the confirmation.
    await inBatches(
      knobs.historyDeliveries * 2,
      (n) => {
        const id = `HIST-${n >> 2}:v${(n >> 1) & 1}#0:triage>${CHANNEL}`;
        return { _id: n & 1 ? id : `${id}#0`, at: new Date(longAgo + n * 1000) };
      },
      'notification_deliveries',
    );
    // Given-up entries where the store keeps them: the first given up through the store itself,
    // the rest copies of it in the same collection.
    if (knobs.historyFailed > 0) {
      if (!sampleEntry) throw new Error('no backlog entry to make given-up entries of');
      const givenUp = (n: number): OutboxEntry => ({
        ...sampleEntry!,
        id: `HIST-F${n}:v0#0:triage>${CHANNEL}`,
        message: { ...sampleEntry!.message, id: `HIST-F${n}:v0#0:triage`, ticketId: `HIST-F${n}` },
        attempts: MAX_DELIVERY_ATTEMPTS - 1,
        addedAt: new Date(longAgo),
      });
      const first = givenUp(0);
      await store.outbox.failed(
        first,
        MAX_DELIVERY_ATTEMPTS,
        new Date(longAgo),
        undefined,
        `${CHANNEL} is down`,
      );
      let kept: { collection: string; document: Document } | undefined;
      for (const collection of (await db.listCollections().toArray()).map((c) => c.name)) {
        const document = await db.collection<{ _id: string }>(collection).findOne({ _id: first.id });
        if (document && 'failedAt' in document) kept = { collection, document };
      }
      if (!kept) throw new Error('the given-up entry is nowhere to be found');
      const template = kept.document;
      await inBatches(
        knobs.historyFailed - 1,
        (k) => {
          const n = k + 1;
          const entry = givenUp(n);
          return {
            ...template,
            _id: entry.id,
            message: { ...(template.message as Document), ...entry.message },
          };
        },
        kept.collection,
      );
      keptIn = kept.collection;
    }
    const fillMs = performance.now() - fillStarted;

    const large = await throughput('large history');

    // --- Report -------------------------------------------------------------------------------------
    const messageBytes = rawDocument ? BSON.calculateObjectSize(rawDocument) : 0;
    const growth = empty.perS / large.perS;
    const growthNormalised = empty.perS / empty.raw.perS / (large.perS / large.raw.perS);
    const idleGrowth = large.idlePoll.p50 / empty.idlePoll.p50;
    lines.push(
      `  embedded FerretDB (SQLite) in a new temporary data directory; system clock; channel "${CHANNEL}" (in memory,`,
      `  web identities, triage place named). Backlog: ${knobs.tickets} tickets opened and claimed while the channel is`,
      `  down (4 messages each: requester "opened" + "assigned" in its thread, triage card post + update);`,
      `  deliverDue(${knobs.limit}) passes until one finds nothing due. An outbox entry is ${messageBytes} B of BSON.`,
      '',
    );
    const tw = [34, 15, 15];
    const cell = (f: (d: DrainResult) => string) => [f(empty), f(large)];
    lines.push(
      row(['throughput', 'empty history', 'large history'], tw),
      row(['delivery log: claims + confirmations', ...cell((d) => String(d.historyDeliveries))], tw),
      row([`given-up entries kept (${keptIn})`, ...cell((d) => String(d.keptFailed))], tw),
      row(['backlog (entries due)', ...cell((d) => String(d.backlog))], tw),
      row(['building it (channel down)', ...cell((d) => `${(d.buildMs / 1000).toFixed(1)} s`)], tw),
      row(['delivered', ...cell((d) => `${d.delivered} in ${d.passes} passes`)], tw),
      row(['drain time', ...cell((d) => `${(d.ms / 1000).toFixed(2)} s`)], tw),
      row(['**deliveries/s**', ...cell((d) => fmtPerS(d.perS))], tw),
      row(['per delivery', ...cell((d) => fmtMs(d.ms / d.delivered))], tw),
      row(['a full pass (first)', ...cell((d) => fmtMs(d.passMs[0] ?? Number.NaN))], tw),
      row(['raw insertOne, message-sized, 1 at a time', ...cell((d) => fmtPerS(d.raw.perS))], tw),
      row(['  its p50 / p99', ...cell((d) => `${fmtMs(d.raw.lat.p50)} / ${fmtMs(d.raw.lat.p99)}`)], tw),
      row(['one delivery costs (raw inserts)', ...cell((d) => `${(d.raw.perS / d.perS).toFixed(1)}`)], tw),
      row(['poll with nothing due, p50', ...cell((d) => fmtMs(d.idlePoll.p50))], tw),
      row(['  its p99', ...cell((d) => fmtMs(d.idlePoll.p99))], tw),
      '',
      `  growth, deliveries/s empty ÷ large history: ×${growth.toFixed(2)} (×${growthNormalised.toFixed(2)} measured in raw ` +
        `inserts); a poll with nothing due: ×${idleGrowth.toFixed(1)} (history filled in ${(fillMs / 1000).toFixed(1)} s)`,
      `  (these are passes back to back; the worker's relay makes one pass of ${RELAY_PASS} per run, every ` +
        `${RELAY_EVERY}: a backlog of ${empty.backlog} drains in ${Math.ceil(empty.backlog / RELAY_PASS)} runs that way)`,
      `  database commands per delivery while draining (counted by the driver):`,
      `    empty history:`,
      ...describeProfile(empty.profile, empty.delivered, '      '),
      `    large history:`,
      ...describeProfile(large.profile, large.delivered, '      '),
      `  a poll with nothing due (per poll): empty history`,
      ...describeProfile(empty.idleProfile, IDLE_POLLS, '      '),
      `    large history:`,
      ...describeProfile(large.idleProfile, IDLE_POLLS, '      '),
      '',
      `  delay from the use case's call to the channel's post/update of each message it caused (channel up;`,
      `  ${knobs.actions} calls per row, distinct tickets; "answer": the call's own time):`,
    );
    const dw = [8, 5, 5, 10, 10, 10, 10, 10, 10];
    lines.push(
      row(['call', 'conc', 'msgs', 'p50', 'p90', 'p99', 'max', 'last p99', 'answer p50'], dw),
      ...delays.map((d) =>
        row(
          [
            d.kind,
            String(d.concurrency),
            String(d.messages),
            fmtMs(d.delay.p50),
            fmtMs(d.delay.p90),
            fmtMs(d.delay.p99),
            fmtMs(d.delay.max),
            fmtMs(d.lastDelay.p99),
            fmtMs(d.answer.p50),
          ],
          dw,
        ),
      ),
    );
    for (const concurrency of concurrencies) {
      const all = latency(delays.filter((d) => d.concurrency === concurrency).flatMap((d) => d.samples));
      lines.push(
        row(
          [
            'all',
            String(concurrency),
            String(all.n),
            ...[all.p50, all.p90, all.p99, all.max].map(fmtMs),
            '',
            '',
          ],
          dw,
        ),
      );
    }
    lines.push(`  database commands per call, with its deliveries:`);
    for (const p of delayProfiles.filter((x) => x.concurrency === 1))
      lines.push(`    ${p.kind}:`, ...describeProfile(p.profile, p.n, '      '));

    // --- Checks ---------------------------------------------------------------------------------------
    for (const d of [empty, large]) {
      check(
        `${d.label}: every backlog entry delivered exactly once`,
        d.lost === 0 && d.doubled === 0 && d.strays === 0 && d.leftPending === 0 && d.leftFailedNew === 0,
        `${d.backlog} entries: ${d.lost} lost, ${d.doubled} doubled, ${d.strays} unexpected messages; outbox left ` +
          `${d.leftPending} pending, ${d.leftFailedNew} newly failed`,
      );
      check(
        `${d.label}: threads and triage cards as a platform shows them`,
        d.threadsWrong === 0 && d.cardsWrong === 0,
        `${knobs.tickets} tickets: ${d.threadsWrong} requester threads wrong, ${d.cardsWrong} cards not posted once and updated once`,
      );
      check(
        `${d.label}: deliveries/s`,
        d.perS >= TARGET_DELIVERIES_PER_S,
        `${fmtPerS(d.perS)} (target ≥ ${TARGET_DELIVERIES_PER_S} /s; one delivery = ${(d.raw.perS / d.perS).toFixed(1)} raw ` +
          `inserts, ${(d.profile.total / d.delivered).toFixed(1)} commands, ${fmtMs(d.profile.ms / d.delivered)} of ` +
          `${fmtMs(d.ms / d.delivered)} in the database; most: ${topCommands(d.profile, d.delivered)})`,
      );
    }
    check(
      'growth: deliveries/s, empty ÷ large history',
      growth <= TARGET_GROWTH,
      `×${growth.toFixed(2)} (×${growthNormalised.toFixed(2)} in raw inserts; target ≤ ×${TARGET_GROWTH}; ` +
        `${large.historyDeliveries} delivery-log documents and ${large.keptFailed} given-up entries stored; a poll with nothing due ` +
        `${fmtMs(empty.idlePoll.p50)} → ${fmtMs(large.idlePoll.p50)}; per delivery, most: ${topCommands(large.profile, large.delivered)})`,
    );
    check(
      'growth: a poll with nothing due, large ÷ empty history',
      idleGrowth <= TARGET_IDLE_POLL_GROWTH,
      `×${idleGrowth.toFixed(1)}: p50 ${fmtMs(empty.idlePoll.p50)} → ${fmtMs(large.idlePoll.p50)} (target ≤ ×${TARGET_IDLE_POLL_GROWTH}; ` +
        `what it reads: ${topCommands(large.idleProfile, IDLE_POLLS)} per poll; the embedded FerretDB reads every ` +
        `document of the collection a poll filters, so it must hold only what is pending)`,
    );
    check(
      'every call delivered each of its messages once',
      delays.every((d) => d.missing === 0 && d.extra === 0) && afterDelays === 0,
      delays.map((d) => `${d.kind}@${d.concurrency}: ${d.missing} missing, ${d.extra} extra`).join('; ') +
        `; outbox pending after: ${afterDelays}`,
    );
    for (const concurrency of concurrencies) {
      const target = concurrency === 1 ? TARGET_DELAY_P99_SERIAL_MS : TARGET_DELAY_P99_CONCURRENT_MS;
      const rows = delays.filter((d) => d.concurrency === concurrency);
      const worst = rows.reduce((a, b) => (b.delay.p99 > a.delay.p99 ? b : a));
      const worstProfile = delayProfiles.find((p) => p.kind === worst.kind && p.concurrency === concurrency)!;
      const all = latency(rows.flatMap((d) => d.samples));
      check(
        `delay to delivery p99 at concurrency ${concurrency}`,
        all.p99 < target,
        `${fmtMs(all.p99)} over ${all.n} messages (target < ${fmtMs(target)}; p99 by call: ` +
          rows.map((d) => `${d.kind} ${fmtMs(d.delay.p99)}`).join(', ') +
          `; worst ${worst.kind}: answer p50 ${fmtMs(worst.answer.p50)}, ` +
          `${(worstProfile.profile.total / worstProfile.n).toFixed(1)} commands and ` +
          `${fmtMs(worstProfile.profile.ms / worstProfile.n)} of database time per call` +
          (concurrency > 1 ? ', summed over the calls in flight' : '') +
          `; most: ${topCommands(worstProfile.profile, worstProfile.n)})`,
      );
    }
    lines.push(`  (${warnings} delivery failures were warned about while the channel was down, as expected)`);
    return { lines, checks };
  } finally {
    await tidyUp('outbox', cleanups, dataDir);
  }
}

const bench: Bench = {
  name: 'outbox',
  description:
    'notifications delivered per second through the in-memory channel, and the delay from a change to its delivery',
  run,
};
export default bench;
