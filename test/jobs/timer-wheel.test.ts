import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketTimer } from '../../src/domain/tickets/timers.ts';
import { createAgendaJobs, type AgendaJobs } from '../../src/jobs/agenda-jobs.ts';
import { WHEEL_HORIZON_MS } from '../../src/jobs/timer-wheel.ts';
import { useTestDatabase } from '../support/database.ts';
import { RecordingLogger, secondConnection } from './support.ts';

const database = useTestDatabase('jobs timer wheel');
const HOUR = 3_600_000;

describe('far timers wait on the wheel, not in the job queue', () => {
  let jobs: AgendaJobs;
  const logger = new RecordingLogger();
  const now = Date.now();
  const timer = (step: string, hoursAhead: number): TicketTimer => ({
    step,
    at: new Date(now + hoursAhead * HOUR),
  });
  const stored = async (ticketId: string) =>
    (await database().db!.collection('sla_jobs').find({ 'data.ticketId': ticketId }).toArray()).map((job) => [
      job.data.step,
      (job.nextRunAt as Date).toISOString(),
    ]);

  beforeAll(() => {
    jobs = createAgendaJobs({ connection: database(), logger, name: 'wheel' });
  });
  afterAll(async () => {
    await jobs.stop();
  });

  it('parks a timer days ahead and makes it a job once it comes within the horizon, once', async () => {
    const far = timer('response:level2', 50);
    await jobs.scheduler.replace('W-1', [far, timer('response:level3', 60)]);
    expect(await stored('W-1')).toEqual([]);
    // Nothing to do until then, however often the wheel turns.
    expect(await jobs.turnWheel(now)).toBe(0);
    expect(await jobs.turnWheel(now + 10 * HOUR)).toBe(0);
    expect(await stored('W-1')).toEqual([]);

    const turnedAt = far.at.getTime() - WHEEL_HORIZON_MS + 60_000;
    expect(await jobs.turnWheel(turnedAt)).toBe(1);
    expect(await stored('W-1')).toEqual([['response:level2', far.at.toISOString()]]);
    // Turned again, or from a second process at the same moment: still one job.
    const other = await secondConnection(database());
    const second = createAgendaJobs({ connection: other, logger, name: 'wheel2' });
    try {
      await Promise.all([jobs.turnWheel(turnedAt + 1), second.turnWheel(turnedAt + 1)]);
    } finally {
      await second.stop();
      await other.close();
    }
    expect(await stored('W-1')).toEqual([['response:level2', far.at.toISOString()]]);
    // The plan still knows the job: a change moves it as any other.
    await jobs.scheduler.replace('W-1', []);
    expect(await stored('W-1')).toEqual([]);
  });

  it('passes over a parked timer that moved or went, and turns a slot the worker missed while it was down', async () => {
    // A wheel of its own: the first test turned the shared one far ahead.
    const jobs = createAgendaJobs({
      connection: database(),
      logger,
      name: 'wheel3',
      wheelCollection: 'wheel_b',
    });
    await jobs.scheduler.replace('W-2', [timer('response:level1', 30)]);
    await jobs.scheduler.replace('W-2', [timer('response:level1', 40)]); // moved: a new entry, a new slot
    await jobs.scheduler.replace('W-3', [timer('response:level1', 30)]);
    await jobs.scheduler.replace('W-3', []); // resolved meanwhile
    // A worker that comes back after both instants: every slot since its last turn is turned.
    expect(await jobs.turnWheel(now + 45 * HOUR)).toBeGreaterThanOrEqual(1);
    expect(await stored('W-2')).toEqual([['response:level1', new Date(now + 40 * HOUR).toISOString()]]);
    expect(await stored('W-3')).toEqual([]);
    await jobs.stop();
  });

  it('takes no timer into a slot the wheel has already turned to: it is a job at once', async () => {
    const jobs = createAgendaJobs({
      connection: database(),
      logger,
      name: 'wheel4',
      wheelCollection: 'wheel_c',
    });
    // A worker whose clock ran a day ahead turned the wheel that far.
    await jobs.turnWheel(now + 24 * HOUR);
    await jobs.scheduler.replace('W-6', [timer('response:level1', 20)]);
    expect(await stored('W-6')).toEqual([['response:level1', new Date(now + 20 * HOUR).toISOString()]]);
    await jobs.stop();
  });

  it('makes a near timer a job at once, and a timer that comes near before its turn a job too', async () => {
    await jobs.scheduler.replace('W-4', [timer('response:reminder', 0.5)]);
    expect(await stored('W-4')).toHaveLength(1);
    // Parked far ahead, then the ticket changed so that the step is due in minutes.
    await jobs.scheduler.replace('W-5', [timer('response:level1', 20)]);
    await jobs.scheduler.replace('W-5', [timer('response:level1', 0.1)]);
    expect(await stored('W-5')).toEqual([['response:level1', new Date(now + 0.1 * HOUR).toISOString()]]);
  });
});
