import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.ts';
import type { SlaTimer } from '../../src/domain/tickets/sla-clock.ts';
import { createAgendaJobs, type AgendaJobs, type JobHandlers } from '../../src/jobs/agenda-jobs.ts';
import { useTestDatabase } from '../support/database.ts';
import { RecordingLogger, untilStored, Watch } from './support.ts';

const database = useTestDatabase('jobs worker lifecycle');

/**
 * How long a lock held by a worker that went away keeps a step from anyone else (the worker's
 * lock lifetime, for these scan intervals). "Promptly" below means well within it: the one thing a
 * restarted worker could otherwise wait for. How much sooner depends on the machine's load.
 */
const LOCK_LIFETIME_MS = 2 * 60_000;
const PROMPTLY_MS = LOCK_LIFETIME_MS / 4;

const timerIn = (ms: number, step = 'response:level1'): SlaTimer => {
  const at = new Date(Date.now() + ms);
  return { step, clock: 'response', level: 1, at, dueAt: at };
};

/** Handlers that only record when they were called (the app's own effects are tested elsewhere). */
function recordingHandlers(fail?: (ticketId: string, attempt: number) => Error | undefined) {
  const calls: Array<{ ticketId: string; step: string; at: number }> = [];
  const watch = new Watch();
  let running = 0;
  const handlers: JobHandlers = {
    relay: async () => 0,
    async fireTimer(ticketId, step) {
      running++;
      try {
        calls.push({ ticketId, step, at: Date.now() });
        const error = fail?.(ticketId, calls.filter((call) => call.ticketId === ticketId).length);
        if (error) throw error;
      } finally {
        running--;
        watch.changed();
      }
    },
  };
  const of = (ticketId: string) => calls.filter((call) => call.ticketId === ticketId);
  return { handlers, calls, of, watch, idle: () => running === 0 };
}

const jobsCollection = () => database().db!.collection('sla_jobs');
const jobOf = (ticketId: string) => jobsCollection().findOne({ 'data.ticketId': ticketId });

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
    await first.stop();
    expect(first.health()).toEqual({ running: false });
    // Its instant passed with nobody running: it fell due a second ago.
    await first.scheduler.replace('R-1', [timerIn(-1_000)]);

    const second = worker('second', logger, 200);
    const secondCalls = recordingHandlers();
    const restartedAt = Date.now();
    await second.startWorker(secondCalls.handlers);
    await secondCalls.watch.until(() => secondCalls.of('R-1').length > 0);
    expect(secondCalls.of('R-1')[0]!.at - restartedAt).toBeLessThan(PROMPTLY_MS);
    // Done: a one-off job is removed once it ran, and then nothing can run it again.
    await untilStored(async () => secondCalls.idle() && !(await jobOf('R-1')));
    expect(secondCalls.of('R-1')).toEqual([
      { ticketId: 'R-1', step: 'response:level1', at: expect.any(Number) },
    ]);
    expect(firstCalls.of('R-1')).toEqual([]);
    expect(logger.errors()).toEqual([]);
  });

  it('a timer the stopped worker had fetched ahead is released, and the next worker fires it', async () => {
    const logger = new RecordingLogger();
    const first = worker('ahead', logger, 60_000);
    const firstCalls = recordingHandlers();
    const timer = timerIn(30_000);
    await first.scheduler.replace('R-2', [timer]);
    // A one-minute scan fetches (locks) the timer due in 30 s straight away and waits for it in memory.
    await first.startWorker(firstCalls.handlers);
    await untilStored(async () => !!(await jobOf('R-2'))?.lockedAt);
    await first.stop();
    const released = await jobOf('R-2');
    expect(released?.lockedAt ?? null).toBeNull();
    expect(released?.nextRunAt).toEqual(timer.at);

    // Its instant comes, as far as the job is concerned, without waiting the 30 s out.
    await jobsCollection().updateOne({ 'data.ticketId': 'R-2' }, { $set: { nextRunAt: new Date() } });
    const second = worker('after', logger, 200);
    const secondCalls = recordingHandlers();
    const restartedAt = Date.now();
    await second.startWorker(secondCalls.handlers);
    await secondCalls.watch.until(() => secondCalls.of('R-2').length > 0);
    // Without the release it would wait out the lock lifetime.
    expect(secondCalls.of('R-2')[0]!.at - restartedAt).toBeLessThan(PROMPTLY_MS);
    await untilStored(async () => secondCalls.idle() && !(await jobOf('R-2')));
    expect(secondCalls.of('R-2')).toHaveLength(1);
    expect(firstCalls.of('R-2')).toEqual([]);
  }, 60_000);

  it('a failing step is retried with backoff and logged; a refusal by the rules is not retried', async () => {
    const logger = new RecordingLogger();
    const jobs = worker('retry', logger, 100, 150);
    const { handlers, of, watch, idle } = recordingHandlers((ticketId, attempt) => {
      if (ticketId === 'R-3' && attempt <= 2) return new Error(`database hiccup ${attempt}`);
      if (ticketId === 'R-4') return new DomainError('notFound', { ticket: ticketId });
      return undefined;
    });
    await jobs.startWorker(handlers);
    await jobs.scheduler.replace('R-3', [timerIn(0)]);
    await jobs.scheduler.replace('R-4', [timerIn(0)]);

    await watch.until(() => of('R-3').length >= 3);
    const [first, second, third] = of('R-3').map((call) => call.at);
    // Exponential from 150 ms (±20 % jitter): about 150, then about 300.
    expect(second! - first!).toBeGreaterThanOrEqual(100);
    expect(third! - second!).toBeGreaterThanOrEqual(200);
    // Settled: R-3 went through and its job is gone; R-4 failed for good and is due never again.
    await untilStored(async () => {
      const [r3, r4] = [await jobOf('R-3'), await jobOf('R-4')];
      return idle() && !r3 && r4?.nextRunAt === null && !r4.lockedAt && logger.errors().length > 0;
    });
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
    const watch = new Watch();
    let finish: () => void = () => {};
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    let entered = false;
    let finished = false;
    await jobs.startWorker({
      relay: async () => 0,
      async fireTimer() {
        entered = true;
        watch.changed();
        // The step runs until the test lets it end.
        await finishing;
        finished = true;
      },
    });
    await jobs.scheduler.replace('R-5', [timerIn(0)]);
    await watch.until(() => entered);

    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await untilStored(async () => !jobs.health().running);
    // A stop that did not wait would be through by now: the database has answered later questions.
    for (let look = 0; look < 5; look++) await jobsCollection().countDocuments({});
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(finished).toBe(true);
    expect(await jobsCollection().countDocuments({ 'data.ticketId': 'R-5' })).toBe(0);
    // None of this worker's locks are left. (The first test's "first" worker, left running on
    // purpose as a worker that went away, may hold the wheel's and the relay's at this moment.)
    expect(
      await jobsCollection().countDocuments({ lockedAt: { $ne: null }, lastModifiedBy: /^drain@/ }),
    ).toBe(0);
  });
});
