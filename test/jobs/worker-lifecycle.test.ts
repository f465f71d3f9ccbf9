import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.ts';
import type { SlaTimer } from '../../src/domain/tickets/sla-clock.ts';
import { createAgendaJobs, type AgendaJobs, type JobHandlers } from '../../src/jobs/agenda-jobs.ts';
import { useTestDatabase } from '../support/database.ts';
import { RecordingLogger, sleep, waitFor } from './support.ts';

const database = useTestDatabase('jobs worker lifecycle');

const timerIn = (ms: number, step = 'response:level1'): SlaTimer => {
  const at = new Date(Date.now() + ms);
  return { step, clock: 'response', level: 1, at, dueAt: at };
};

/** Handlers that only record when they were called (the app's own effects are tested elsewhere). */
function recordingHandlers(fail?: (ticketId: string, attempt: number) => Error | undefined) {
  const calls: Array<{ ticketId: string; step: string; at: number }> = [];
  const handlers: JobHandlers = {
    relay: async () => 0,
    async fireTimer(ticketId, step) {
      calls.push({ ticketId, step, at: Date.now() });
      const error = fail?.(ticketId, calls.filter((call) => call.ticketId === ticketId).length);
      if (error) throw error;
    },
  };
  const of = (ticketId: string) => calls.filter((call) => call.ticketId === ticketId);
  return { handlers, calls, of };
}

const jobsCollection = () => database().db!.collection('sla_jobs');

describe('the job worker: restarts, retries and shutdown', () => {
  const started: AgendaJobs[] = [];
  const worker = (name: string, logger: RecordingLogger, processEvery: number, retryDelayMs?: number) => {
    const jobs = createAgendaJobs({
      connection: database(),
      logger,
      name,
      processEvery,
      ...(retryDelayMs ? { retryDelayMs } : {}),
    });
    started.push(jobs);
    return jobs;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((jobs) => jobs.stop()));
  });

  it('a timer missed while no worker ran fires once, promptly, when one starts', async () => {
    const logger = new RecordingLogger();
    const first = worker('first', logger, 200);
    const firstCalls = recordingHandlers();
    await first.startWorker(firstCalls.handlers);
    expect(first.health()).toEqual({ running: true });
    const timer = timerIn(1_200);
    await first.scheduler.replace('R-1', [timer]);

    await sleep(300);
    await first.stop();
    expect(first.health()).toEqual({ running: false });
    // Past the instant with nobody running.
    await sleep(timer.at.getTime() - Date.now() + 300);
    expect(firstCalls.of('R-1')).toEqual([]);

    const second = worker('second', logger, 200);
    const secondCalls = recordingHandlers();
    const restartedAt = Date.now();
    await second.startWorker(secondCalls.handlers);
    await waitFor(() => secondCalls.of('R-1').length > 0, 3_000, 'the missed timer');
    expect(secondCalls.of('R-1')[0]!.at - restartedAt).toBeLessThan(1_000);
    await sleep(1_000);
    expect(secondCalls.of('R-1')).toEqual([
      { ticketId: 'R-1', step: 'response:level1', at: expect.any(Number) },
    ]);
    expect(firstCalls.of('R-1')).toEqual([]);
    // Done: a one-off job is removed once it ran.
    expect(await jobsCollection().countDocuments({ 'data.ticketId': 'R-1' })).toBe(0);
    expect(logger.errors()).toEqual([]);
  });

  it('a timer the stopped worker had fetched ahead is released, and the next worker fires it', async () => {
    const logger = new RecordingLogger();
    const first = worker('ahead', logger, 3_000);
    const firstCalls = recordingHandlers();
    const timer = timerIn(1_500);
    await first.scheduler.replace('R-2', [timer]);
    // A 3 s scan fetches (locks) the timer due in 1.5 s straight away and waits for it in memory.
    await first.startWorker(firstCalls.handlers);
    await waitFor(
      async () => !!(await jobsCollection().findOne({ 'data.ticketId': 'R-2' }))?.lockedAt,
      2_000,
      'the first worker to lock the timer',
    );
    await first.stop();
    const released = await jobsCollection().findOne({ 'data.ticketId': 'R-2' });
    expect(released?.lockedAt ?? null).toBeNull();
    expect(released?.nextRunAt).toEqual(timer.at);

    await sleep(timer.at.getTime() - Date.now() + 200);
    const second = worker('after', logger, 200);
    const secondCalls = recordingHandlers();
    const restartedAt = Date.now();
    await second.startWorker(secondCalls.handlers);
    await waitFor(() => secondCalls.of('R-2').length > 0, 3_000, 'the released timer');
    // Without the release it would wait out the lock lifetime (2 minutes).
    expect(secondCalls.of('R-2')[0]!.at - restartedAt).toBeLessThan(1_000);
    await sleep(600);
    expect(secondCalls.of('R-2')).toHaveLength(1);
    expect(firstCalls.of('R-2')).toEqual([]);
  });

  it('a failing step is retried with backoff and logged; a refusal by the rules is not retried', async () => {
    const logger = new RecordingLogger();
    const jobs = worker('retry', logger, 100, 150);
    const { handlers, of } = recordingHandlers((ticketId, attempt) => {
      if (ticketId === 'R-3' && attempt <= 2) return new Error(`database hiccup ${attempt}`);
      if (ticketId === 'R-4') return new DomainError('notFound', { ticket: ticketId });
      return undefined;
    });
    await jobs.startWorker(handlers);
    await jobs.scheduler.replace('R-3', [timerIn(0)]);
    await jobs.scheduler.replace('R-4', [timerIn(0)]);

    await waitFor(() => of('R-3').length >= 3, 5_000, 'two retries of R-3');
    const [first, second, third] = of('R-3').map((call) => call.at);
    // Exponential from 150 ms (±20 % jitter): about 150, then about 300.
    expect(second! - first!).toBeGreaterThanOrEqual(100);
    expect(third! - second!).toBeGreaterThanOrEqual(200);
    await sleep(800);
    expect(of('R-3')).toHaveLength(3);
    expect(of('R-4')).toHaveLength(1);
    expect(jobs.health()).toEqual({ running: true });

    const failures = logger.lines.filter((line) => line.message === 'job failed');
    expect(failures.map((line) => (line.details as { err: Error }).err.message)).toEqual(
      expect.arrayContaining(['database hiccup 1', 'database hiccup 2']),
    );
    expect(logger.errors().map((line) => line.message)).toEqual(['job failed for good, retries exhausted']);
  });

  it('stop() lets a running step finish before it returns', async () => {
    const logger = new RecordingLogger();
    const jobs = worker('drain', logger, 100);
    let finished = false;
    let entered = false;
    await jobs.startWorker({
      relay: async () => 0,
      async fireTimer() {
        entered = true;
        await sleep(600);
        finished = true;
      },
    });
    await jobs.scheduler.replace('R-5', [timerIn(0)]);
    await waitFor(() => entered, 3_000, 'the step to start');
    await jobs.stop();
    expect(finished).toBe(true);
    expect(await jobsCollection().countDocuments({ 'data.ticketId': 'R-5' })).toBe(0);
    expect(await jobsCollection().countDocuments({ lockedAt: { $ne: null } })).toBe(0);
  });
});
