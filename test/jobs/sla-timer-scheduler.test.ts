import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import type { SlaTimer } from '../../src/domain/tickets/sla-clock.ts';
import { createAgendaJobs, type AgendaJobs } from '../../src/jobs/agenda-jobs.ts';
import { useTestDatabase } from '../support/database.ts';
import { RecordingLogger, secondConnection } from './support.ts';

const database = useTestDatabase('jobs scheduler');

const T0 = new Date('2030-03-04T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const timer = (step: string, minutes: number): SlaTimer => ({
  step,
  clock: step.startsWith('resolution') ? 'resolution' : 'response',
  level: step.endsWith('reminder') ? 0 : (Number(step.slice(-1)) as 1 | 2 | 3),
  at: at(minutes),
  dueAt: at(120),
});
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

  it('schedules one sla-step job per timer, at its exact instant, with the ticket and step', async () => {
    await jobs.scheduler.replace('SD-1', PLAN);
    const saved = await stored('SD-1');
    expect(saved).toHaveLength(4);
    expect(saved.map((job) => job.name)).toEqual(['sla-step', 'sla-step', 'sla-step', 'sla-step']);
    expect(saved.map((job) => job.data)).toEqual(PLAN.map((t) => ({ ticketId: 'SD-1', step: t.step })));
    expect(saved.map((job) => job.nextRunAt?.getTime())).toEqual(PLAN.map((t) => t.at.getTime()));
    expect(saved.every((job) => !job.lockedAt)).toBe(true);
    expect(jobs.health()).toEqual({ running: false });
  });

  it('is idempotent: the same plan again writes nothing, and concurrent calls add no duplicates', async () => {
    await jobs.scheduler.replace('SD-2', PLAN);
    const before = await stored('SD-2');
    await jobs.scheduler.replace('SD-2', PLAN);
    await Promise.all([1, 2, 3, 4, 5].map(() => jobs.scheduler.replace('SD-2', [...PLAN])));
    expect(await stored('SD-2')).toEqual(before);

    // A ticket nobody scheduled yet, planned by five calls at once.
    await Promise.all([1, 2, 3, 4, 5].map(() => jobs.scheduler.replace('SD-3', PLAN)));
    expect(await steps('SD-3')).toHaveLength(4);
  });

  it('reschedules moved timers, adds new ones and cancels the ones no longer planned', async () => {
    await jobs.scheduler.replace('SD-4', PLAN);
    const before = await stored('SD-4');
    const idOf = (jobs: typeof before, step: string) => jobs.find((job) => job.data.step === step)?._id;

    // The reminder went out, the customer was waited on: the resolution clock appears, response
    // level 1 moved, levels 2 and 3 are unchanged.
    await jobs.scheduler.replace('SD-4', [
      timer('response:level1', 150),
      timer('response:level2', 180),
      timer('response:level3', 240),
      timer('resolution:reminder', 600),
    ]);
    const after = await stored('SD-4');
    expect(await steps('SD-4')).toEqual([
      ['response:level1', at(150).toISOString()],
      ['response:level2', at(180).toISOString()],
      ['response:level3', at(240).toISOString()],
      ['resolution:reminder', at(600).toISOString()],
    ]);
    // Untouched jobs keep their identity; a moved one is a new job (never updated in place).
    expect(idOf(after, 'response:level2')).toBe(idOf(before, 'response:level2'));
    expect(idOf(after, 'response:level3')).toBe(idOf(before, 'response:level3'));
    expect(idOf(after, 'response:level1')).not.toBe(idOf(before, 'response:level1'));

    // Resolved: no timers at all.
    await jobs.scheduler.replace('SD-4', []);
    expect(await stored('SD-4')).toEqual([]);
  });

  it("leaves other tickets' timers alone", async () => {
    await jobs.scheduler.replace('SD-5', PLAN);
    await jobs.scheduler.replace('SD-6', PLAN);
    await jobs.scheduler.replace('SD-5', []);
    expect(await steps('SD-5')).toEqual([]);
    expect(await steps('SD-6')).toHaveLength(4);
  });

  it('replaces a job that already ran or awaits a retry, and clears stray duplicates', async () => {
    await jobs.scheduler.replace('SD-7', PLAN);
    const collection = database().db!.collection('sla_jobs');
    // As a worker leaves it mid-run: nextRunAt cleared, locked.
    await collection.updateOne(
      { 'data.ticketId': 'SD-7', 'data.step': 'response:reminder' },
      { $set: { nextRunAt: null, lockedAt: new Date() } },
    );
    await jobs.scheduler.replace('SD-7', PLAN);
    expect(await steps('SD-7')).toEqual(PLAN.map((t) => [t.step, t.at.toISOString()]));
    expect((await stored('SD-7')).every((job) => !job.lockedAt)).toBe(true);
  });

  it('two processes planning the same ticket at once still leave one job per step', async () => {
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
        expect((await steps(ticket)).map(([step]) => step)).toEqual(PLAN.map((t) => t.step));
      }
    } finally {
      await web2.stop();
      await other.close();
    }
    expect(logger.errors()).toEqual([]);
  });

  it('builds its indexes: lock lookup and one job per ticket and step', async () => {
    const indexes = await database().db!.collection('sla_jobs').indexes();
    expect(indexes.map((index) => index.name)).toEqual(
      expect.arrayContaining(['findAndLockNextJobIndex', 'sla_timer_unique']),
    );
    expect(indexes.find((index) => index.name === 'sla_timer_unique')?.unique).toBe(true);
  });
});
