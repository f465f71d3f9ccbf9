import type { CommandStartedEvent } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SlaTimer } from '../../src/domain/tickets/sla-clock.ts';
import { createAgendaJobs, type AgendaJobs } from '../../src/jobs/agenda-jobs.ts';
import { timerJobId, type TimerPlanDocument } from '../../src/jobs/sla-timer-scheduler.ts';
import { useTestDatabase } from '../support/database.ts';
import { RecordingLogger, secondConnection } from './support.ts';

const database = useTestDatabase('jobs scheduler');

// Timers within the wheel's horizon are jobs at once (the far ones are tested below).
const T0 = new Date(Math.ceil(Date.now() / 60_000) * 60_000 - 60 * 60_000);
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const timer = (step: string, minutes: number): SlaTimer => ({
  step,
  clock: step.startsWith('resolution') ? 'resolution' : 'response',
  level: step.endsWith('reminder') ? 0 : (Number(step.slice(-1)) as 1 | 2 | 3),
  at: at(minutes),
  dueAt: at(120),
});
const timerAt = (step: string, when: Date): SlaTimer => ({ ...timer(step, 0), at: when });
const PLAN = [
  timer('response:reminder', 90),
  timer('response:level1', 120),
  timer('response:level2', 180),
  timer('response:level3', 240),
];

interface StoredJob {
  _id: unknown;
  name: string;
  data: { ticketId: string; step: string };
  nextRunAt: Date | null;
  lockedAt?: Date | null;
}

describe('the SLA timer scheduler (no worker running)', () => {
  let jobs: AgendaJobs;
  const logger = new RecordingLogger();

  beforeAll(() => {
    jobs = createAgendaJobs({ connection: database(), logger, name: 'web' });
  });
  afterAll(async () => {
    await jobs.stop();
  });

  const stored = async (ticketId: string, connection: Connection = database()) =>
    (
      await connection
        .db!.collection<StoredJob>('sla_jobs')
        .find({ 'data.ticketId': ticketId })
        .sort({ nextRunAt: 1 })
        .toArray()
    ).map((job) => ({ ...job, _id: String(job._id) }));
  const steps = async (ticketId: string) =>
    (await stored(ticketId)).map((job) => [job.data.step, job.nextRunAt?.toISOString()]);

  it('schedules one sla-step job per ticket, for its earliest timer, at its exact instant', async () => {
    await jobs.scheduler.replace('SD-1', [PLAN[2]!, PLAN[0]!, PLAN[3]!, PLAN[1]!]);
    const saved = await stored('SD-1');
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      name: 'sla-step',
      data: { ticketId: 'SD-1', step: 'response:reminder' },
      nextRunAt: PLAN[0]!.at,
    });
    expect(saved[0]!.lockedAt).toBeFalsy();
    expect(jobs.health()).toEqual({ running: false });
    // Of timers due together, the first given.
    await jobs.scheduler.replace('SD-16', [timer('response:level2', 30), timer('auto', 30)]);
    expect(await steps('SD-16')).toEqual([['response:level2', at(30).toISOString()]]);
  });

  it('is idempotent: the same plan again writes nothing, and concurrent calls add no duplicates', async () => {
    await jobs.scheduler.replace('SD-2', PLAN);
    const before = await stored('SD-2');
    await jobs.scheduler.replace('SD-2', PLAN);
    await Promise.all([1, 2, 3, 4, 5].map(() => jobs.scheduler.replace('SD-2', [...PLAN])));
    expect(await stored('SD-2')).toEqual(before);

    // A ticket nobody scheduled yet, planned by five calls at once.
    await Promise.all([1, 2, 3, 4, 5].map(() => jobs.scheduler.replace('SD-3', PLAN)));
    expect(await steps('SD-3')).toHaveLength(1);
  });

  it('moves the job when the earliest timer changes, keeps it when only later ones do, cancels it with none', async () => {
    await jobs.scheduler.replace('SD-4', PLAN);
    const [first] = await stored('SD-4');

    // Later timers move or appear: the earliest still has its job, the very same one.
    await jobs.scheduler.replace('SD-4', [
      PLAN[0]!,
      timer('response:level1', 150),
      timer('resolution:reminder', 600),
    ]);
    const [kept] = await stored('SD-4');
    expect(kept).toEqual(first);

    // The reminder went out: level 1, moved, is the earliest now; a new job (never updated in place).
    await jobs.scheduler.replace('SD-4', [timer('response:level1', 150), ...PLAN.slice(2)]);
    const after = await stored('SD-4');
    expect(after.map((job) => [job.data.step, job.nextRunAt?.toISOString()])).toEqual([
      ['response:level1', at(150).toISOString()],
    ]);
    expect(after[0]!._id).not.toBe(first!._id);

    // Resolved: no timers at all.
    await jobs.scheduler.replace('SD-4', []);
    expect(await stored('SD-4')).toEqual([]);
  });

  it("leaves other tickets' timers alone", async () => {
    await jobs.scheduler.replace('SD-5', PLAN);
    await jobs.scheduler.replace('SD-6', PLAN);
    await jobs.scheduler.replace('SD-5', []);
    expect(await steps('SD-5')).toEqual([]);
    expect(await steps('SD-6')).toHaveLength(1);
  });

  it('replaces a due job that already ran, runs, awaits a retry or vanished', async () => {
    // Instants around now: a job can only have run once its instant has come.
    const now = Date.now();
    const plan = [
      timerAt('response:reminder', new Date(now - 60_000)),
      timerAt('response:level3', new Date(now + 3_600_000)),
    ];
    const collection = database().db!.collection('sla_jobs');
    const states: Array<[string, (ticketId: string) => Promise<unknown>]> = [
      // As a worker leaves it mid-run: nextRunAt cleared, locked.
      [
        'runs',
        (id) =>
          collection.updateOne({ 'data.ticketId': id }, { $set: { nextRunAt: null, lockedAt: new Date() } }),
      ],
      // Waiting for a retry: due again later than its instant.
      [
        'retry',
        (id) =>
          collection.updateOne(
            { 'data.ticketId': id },
            { $set: { nextRunAt: new Date(now + 5_000), failCount: 1 } },
          ),
      ],
      // Gone (a worker ran it and removed it, or someone deleted it).
      ['vanished', (id) => collection.deleteOne({ 'data.ticketId': id })],
    ];
    for (const [index, [state, leave]] of states.entries()) {
      const ticketId = `SD-7${index}`;
      await jobs.scheduler.replace(ticketId, plan);
      const [before] = await stored(ticketId);
      await leave(ticketId);
      await jobs.scheduler.replace(ticketId, plan);
      const after = await stored(ticketId);
      expect(
        after.map((job) => [job.data.step, job.nextRunAt?.toISOString(), !job.lockedAt]),
        state,
      ).toEqual([['response:reminder', plan[0]!.at.toISOString(), true]]);
      expect(after[0]!._id, state).not.toBe(before!._id);
    }
  });

  it('a step planned again at the same instant after its timers were cleared gets a job that waits', async () => {
    const step = timerAt('response:level1', new Date(Date.now() - 1_000));
    await jobs.scheduler.replace('SD-15', [step]);
    const [first] = await database().db!.collection('sla_jobs').find({ 'data.ticketId': 'SD-15' }).toArray();
    await jobs.scheduler.replace('SD-15', []);
    const plans = database().db!.collection<TimerPlanDocument>('sla_timer_plans');
    expect(await plans.countDocuments({ _id: 'SD-15' })).toBe(0);
    // The first job is back under its id, done with (as a worker's late save would leave it).
    await database()
      .db!.collection('sla_jobs')
      .insertOne({ ...first!, nextRunAt: null, lastFinishedAt: new Date() });

    await jobs.scheduler.replace('SD-15', [step]);
    const after = await stored('SD-15');
    expect(after.map((job) => [job.data.step, job.nextRunAt?.toISOString()])).toEqual([
      ['response:level1', step.at.toISOString()],
    ]);
    expect(after[0]!._id).not.toBe(String(first!._id));
  });

  it('adopts the jobs a call inserted before it failed to record the plan', async () => {
    await jobs.scheduler.replace('SD-11', PLAN.slice(0, 2));
    const plans = database().db!.collection<TimerPlanDocument>('sla_timer_plans');
    const plan = await plans.findOne({ _id: 'SD-11' });
    expect(plan?.jobs.map((job) => job.step)).toEqual(['response:reminder']);
    // A call moving the reminder that inserted its job and then died: the plan still names the old job.
    const moved = timer('response:reminder', 80);
    const orphan = timerJobId('SD-11', plan!.revision, moved.step, moved.at);
    await database()
      .db!.collection('sla_jobs')
      .insertOne({
        _id: orphan,
        name: 'sla-step',
        data: { ticketId: 'SD-11', step: moved.step },
        type: 'normal',
        priority: 0,
        nextRunAt: moved.at,
        lockedAt: null,
      });
    expect(await steps('SD-11')).toHaveLength(2);

    await jobs.scheduler.replace('SD-11', [moved, PLAN[1]!]);
    expect(await steps('SD-11')).toEqual([['response:reminder', at(80).toISOString()]]);
    const recorded = await plans.findOne({ _id: 'SD-11' });
    expect(recorded?.revision).toBe(plan!.revision + 1);
    expect(String(recorded?.jobs.find((job) => job.step === moved.step)?.jobId)).toBe(String(orphan));
  });

  it('two processes planning the same ticket at once still leave one job', async () => {
    const other = await secondConnection(database());
    const web2 = createAgendaJobs({ connection: other, logger, name: 'web2' });
    try {
      for (const ticket of ['SD-8', 'SD-9', 'SD-10']) {
        await Promise.all([
          jobs.scheduler.replace(ticket, PLAN),
          web2.scheduler.replace(ticket, PLAN),
          jobs.scheduler.replace(ticket, PLAN),
          web2.scheduler.replace(ticket, PLAN),
        ]);
        expect((await steps(ticket)).map(([step]) => step)).toEqual(['response:reminder']);
      }
    } finally {
      await web2.stop();
      await other.close();
    }
    expect(logger.errors()).toEqual([]);
  });

  it('builds the lock index, and no index on ticket and step', async () => {
    const indexes = await database().db!.collection('sla_jobs').indexes();
    expect(indexes.map((index) => index.name)).toContain('findAndLockNextJobIndex');
    expect(indexes.map((index) => index.name)).not.toContain('sla_timer_unique');
  });

  it('takes over the jobs of an earlier version: drops its unique index, plans its timers', async () => {
    // An earlier version's database: one job per ticket and step under a unique index, no plans.
    const legacy = database().db!.collection('legacy_jobs');
    await legacy.createIndex(
      { 'data.ticketId': 1, 'data.step': 1 },
      { name: 'sla_timer_unique', unique: true, sparse: true },
    );
    const { insertedIds } = await legacy.insertMany(
      PLAN.map((t) => ({
        name: 'sla-step',
        data: { ticketId: 'SD-12', step: t.step },
        type: 'normal',
        priority: 0,
        // The reminder already ran (and failed for good).
        nextRunAt: t.step === 'response:reminder' ? null : t.at,
        lockedAt: null,
        lastModifiedBy: 'sladesk@old',
      })),
    );
    const upgraded = createAgendaJobs({
      connection: database(),
      logger,
      name: 'upgraded',
      collection: 'legacy_jobs',
      plansCollection: 'legacy_plans',
    });
    const legacySteps = async () =>
      (await legacy.find({ 'data.ticketId': 'SD-12' }).sort({ nextRunAt: 1 }).toArray()).map((job) => [
        job.data.step,
        job.nextRunAt?.toISOString(),
        String(job._id),
      ]);
    try {
      // The reminder already ran; level 1 is the earliest still planned.
      await upgraded.scheduler.replace('SD-12', PLAN.slice(1));
      expect((await legacy.indexes()).map((index) => index.name)).not.toContain('sla_timer_unique');
      const same = await legacySteps();
      // The earliest timer keeps its waiting job; the job that ran and the later ones go.
      expect(same).toEqual([['response:level1', at(120).toISOString(), String(insertedIds[1])]]);

      // Moving a timer inserts its new job before the old one goes, which that index refused.
      await upgraded.scheduler.replace('SD-12', [timer('response:level1', 125), ...PLAN.slice(2)]);
      expect((await legacySteps()).map(([step, when]) => [step, when])).toEqual([
        ['response:level1', at(125).toISOString()],
      ]);
    } finally {
      await upgraded.stop();
    }
    expect(logger.lines.map((line) => line.message)).toContain(
      'recorded timer plans for jobs of an earlier version',
    );
    expect(logger.errors()).toEqual([]);
  });

  it('reads and writes the jobs and plans by _id only, inserting before recording, deleting after', async () => {
    const monitored = await mongoose
      .createConnection(inject('mongoUri'), { dbName: database().name, monitorCommands: true })
      .asPromise();
    const commands: CommandStartedEvent[] = [];
    monitored.getClient().on('commandStarted', (event) => commands.push(event));
    const web3 = createAgendaJobs({ connection: monitored, logger, name: 'monitored' });
    const collection = database().db!.collection('sla_jobs');
    const calls: Array<{ what: string; commands: CommandStartedEvent[] }> = [];
    const call = async (what: string, timers: readonly SlaTimer[]) => {
      const from = commands.length;
      await web3.scheduler.replace('SD-13', timers);
      calls.push({ what, commands: commands.slice(from) });
    };
    // Instants in the future are trusted to the plan; due ones are checked, one job at a time.
    const now = Date.now();
    const due = (step: string, offsetMs: number) => timerAt(step, new Date(now + offsetMs));
    const plan = [
      due('response:reminder', -60_000),
      due('response:level1', -30_000),
      due('response:level2', 600_000),
      due('response:level3', 3_600_000),
    ];
    const moved = [due('response:level1', -20_000), due('response:level2', 900_000), plan[3]!];
    try {
      await web3.scheduler.replace('SD-14', PLAN); // Agenda connects (indexes) first.
      await call('first plan', plan);
      await call('same plan', plan);
      await call('the earliest moves', moved);
      await collection.updateOne(
        { 'data.ticketId': 'SD-13', 'data.step': 'response:level1' },
        { $set: { nextRunAt: null, lockedAt: new Date() } },
      );
      await call('one ran', moved);
      await call('cancel', []);
      await call('cancel again', []);
    } finally {
      await web3.stop();
      await monitored.close();
    }
    expect(await steps('SD-13')).toEqual([]);

    const TIMER_COLLECTIONS = ['sla_jobs', 'sla_timer_plans'];
    const isId = (value: unknown) =>
      typeof value === 'string' ||
      (typeof value === 'object' &&
        value !== null &&
        (value as { _bsontype?: unknown })._bsontype === 'ObjectId');
    const describeCommand = ({ commandName, command }: CommandStartedEvent) => {
      const collectionName = String(command[commandName]);
      const filters: unknown[] =
        commandName === 'find'
          ? [command.filter]
          : commandName === 'update'
            ? (command.updates as Array<{ q: unknown }>).map((update) => update.q)
            : commandName === 'delete'
              ? (command.deletes as Array<{ q: unknown }>).map((deletion) => deletion.q)
              : [];
      const byIdOnly = filters.every((filter) => {
        const keys = Object.keys(filter as object);
        return keys.length === 1 && keys[0] === '_id' && isId((filter as { _id: unknown })._id);
      });
      const statements =
        commandName === 'insert'
          ? (command.documents as unknown[]).length
          : commandName === 'find'
            ? 1
            : filters.length;
      return { commandName, collectionName, byIdOnly, statements };
    };
    for (const { what, commands } of calls) {
      const described = commands.map(describeCommand);
      const offending = described.filter(
        (c) =>
          !['find', 'insert', 'update', 'delete'].includes(c.commandName) ||
          !TIMER_COLLECTIONS.includes(c.collectionName) ||
          !c.byIdOnly ||
          c.statements !== 1,
      );
      expect(offending, what).toEqual([]);
      // New jobs exist before the plan names them; old ones go only after it stopped naming them.
      const planWrite = described.findIndex(
        (c) => c.commandName !== 'find' && c.collectionName === 'sla_timer_plans',
      );
      const onJobs = (name: string) =>
        described.flatMap((c, i) => (c.commandName === name && c.collectionName === 'sla_jobs' ? [i] : []));
      const inserts = onJobs('insert');
      const deletes = onJobs('delete');
      if (inserts.length > 0 || deletes.length > 0) expect(planWrite, what).toBeGreaterThanOrEqual(0);
      expect(
        inserts.every((i) => i < planWrite),
        what,
      ).toBe(true);
      expect(
        deletes.every((i) => i > planWrite),
        what,
      ).toBe(true);
    }
    const shape = (what: string) =>
      calls
        .find((c) => c.what === what)!
        .commands.map((c) => `${c.commandName} ${String(c.command[c.commandName])}`);
    expect(shape('first plan')).toEqual([
      'find sla_timer_plans',
      'insert sla_jobs',
      'insert sla_timer_plans',
    ]);
    // The job is due by now, so it is read.
    expect(shape('same plan')).toEqual(['find sla_timer_plans', 'find sla_jobs']);
    expect(shape('the earliest moves')).toEqual([
      'find sla_timer_plans',
      'insert sla_jobs',
      'update sla_timer_plans',
      'delete sla_jobs',
    ]);
    expect(shape('one ran')).toEqual([
      'find sla_timer_plans',
      'find sla_jobs',
      'insert sla_jobs',
      'update sla_timer_plans',
      'delete sla_jobs',
    ]);
    expect(shape('cancel')).toEqual(['find sla_timer_plans', 'delete sla_timer_plans', 'delete sla_jobs']);
    expect(shape('cancel again')).toEqual(['find sla_timer_plans']);
  });
});
