import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Agenda, backoffStrategies, type BackoffStrategy, type Job, type JobWithId } from 'agenda';
import { ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { SlaTimerScheduler } from '../app/ports.ts';
import { DomainError } from '../domain/domain-error.ts';
import {
  DEFAULT_JOBS_COLLECTION,
  DEFAULT_PLANS_COLLECTION,
  DEFAULT_WHEEL_COLLECTION,
  isDuplicateKeyError,
  isSlaStepData,
  SLA_STEP_JOB,
  RELAY_JOB,
  WHEEL_JOB,
  type JobsLogger,
} from './job-names.ts';
import { TimerWheel, WHEEL_TURN_EVERY } from './timer-wheel.ts';
import { SharedConnectionBackend } from './shared-connection-backend.ts';
import {
  AgendaSlaTimerScheduler,
  planEarlierTimerJobs,
  type TimerPlanDocument,
} from './sla-timer-scheduler.ts';

export interface AgendaJobsOptions {
  /** The application's open mongoose connection; the jobs live in its database. */
  connection: Connection;
  logger: JobsLogger;
  /**
   * How often a worker looks for due jobs (ms or "30 seconds"); default 30 s. A timer due within the
   * next scan is picked up early and run by an in-process timer at its exact instant, so this bounds
   * how late a timer scheduled for the very near future can be, not the usual accuracy.
   */
  processEvery?: string | number;
  /** Prefix of this instance's name in the jobs' `lastModifiedBy`; host, pid and a nonce follow. */
  name?: string;
  /** Jobs collection; default `sla_jobs`. */
  collection?: string;
  /** The tickets' timer plans (which jobs are each ticket's timers); default `sla_timer_plans`. */
  plansCollection?: string;
  /** The timers parked until they come within the horizon; default `sla_timer_wheel`. */
  wheelCollection?: string;
  /** First retry delay of a failed SLA step (doubling up to 5 min, 12 retries); default 1 s. */
  retryDelayMs?: number;
  /** How long `stop()` waits for running jobs; default 30 s. */
  drainTimeoutMs?: number;
}

export interface JobHandlers {
  /** A ticket's timer is due: handle it, and plan the ticket's timers again (`scheduler.replace`). */
  fireTimer(ticketId: string, step: string): Promise<unknown>;
  /** The relay's periodic pass: unfinished changes, notices due for another try. */
  relay(): Promise<unknown>;
}

export interface AgendaJobs {
  /** Schedules SLA timers; works in every process, worker or not. */
  scheduler: SlaTimerScheduler;
  /**
   * Makes jobs of the parked timers due within the horizon of `now` (the worker does this every
   * ten minutes); returns how many.
   */
  turnWheel(now: number): Promise<number>;
  /** Defines the job and starts taking due ones: each ticket's next timer. */
  startWorker(handlers: JobHandlers): Promise<void>;
  /** Stops taking jobs, lets running ones finish (up to `drainTimeoutMs`), releases held locks. */
  stop(): Promise<void>;
  health(): { running: boolean };
}

/**
 * A poll costs one read of the jobs collection (the embedded database serves it by reading every
 * job; there is one per ticket with a timer), so it runs twice a minute; a timer due before the
 * next poll is fetched early and started by an in-process timer at its instant, so only a timer
 * set less than this far ahead by another process can start up to this late.
 */
const DEFAULT_PROCESS_EVERY = 30_000;
/** The wheel's job, the same in every process and database. */
const WHEEL_JOB_ID = new ObjectId('5e1ade5c0000000000000001');
/** The relay's job, likewise. */
const RELAY_JOB_ID = new ObjectId('5e1ade5c0000000000000002');
/** How often the relay looks for changes a writer left unfinished, and for notices to try again. */
export const RELAY_EVERY = '1 minute';
const MINUTE = 60_000;
/** What agenda's MongoDB repository says when a job it is about to run was deleted meanwhile. */
const VANISHED_JOB = /cannot be updated in the database, maybe it does not exist anymore/;

/** Retry what may pass (database, chat platform); a refusal by the desk's rules will not. */
function slaStepBackoff(firstDelayMs: number): BackoffStrategy {
  return backoffStrategies.when(
    ({ error }) => !(error instanceof DomainError),
    backoffStrategies.exponential({
      delay: firstDelayMs,
      factor: 2,
      maxDelay: 5 * MINUTE,
      maxRetries: 12,
      jitter: 0.2,
    }),
  );
}

export function createAgendaJobs(options: AgendaJobsOptions): AgendaJobs {
  const { connection, logger } = options;
  const db = connection.db;
  if (!db) throw new Error('createAgendaJobs: the mongoose connection is not open yet');

  const instanceName = `${options.name ?? 'sladesk'}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const plans = db.collection<TimerPlanDocument>(options.plansCollection ?? DEFAULT_PLANS_COLLECTION);
  const backend: SharedConnectionBackend = new SharedConnectionBackend(
    db,
    options.collection ?? DEFAULT_JOBS_COLLECTION,
    logger,
    async () => {
      const planned = await planEarlierTimerJobs(backend.collection, plans);
      if (planned > 0)
        logger.info({ tickets: planned }, 'recorded timer plans for jobs of an earlier version');
    },
  );
  const processEvery = options.processEvery ?? DEFAULT_PROCESS_EVERY;
  const agenda = new Agenda({
    backend,
    name: instanceName,
    processEvery,
    maxConcurrency: 20,
  });

  // Agenda emits 'error' for failed lock queries and jobs it had to cancel; it already ignores
  // them by default, we log them. Job failures come as 'fail', then 'retry' or 'retry exhausted'.
  agenda.on('error', (error: Error) => {
    if (VANISHED_JOB.test(error.message)) {
      // A worker had fetched the job ahead of its instant (or, on FerretDB, whose lock is not
      // atomic, fetched it just as it went) and `replace` cancelled it meanwhile: nothing to run.
      logger.info({ agenda: instanceName, reason: error.message }, 'job cancelled before it ran');
      return;
    }
    logger.error({ err: error, agenda: instanceName }, 'job runner error');
  });
  agenda.on('fail', (error: Error, job: JobWithId) =>
    logger.warn({ err: error, ...describe(job) }, 'job failed'),
  );
  agenda.on('retry exhausted', (error: Error, job: JobWithId) =>
    logger.error({ err: error, ...describe(job) }, 'job failed for good, retries exhausted'),
  );

  const wheel = new TimerWheel(connection, options.wheelCollection ?? DEFAULT_WHEEL_COLLECTION);
  const scheduler = new AgendaSlaTimerScheduler(agenda, backend.collection, plans, wheel);
  // Jobs this process is inside of right now (by id): `stop()` must not release their locks.
  const inFlight = new Set<string>();
  let state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle';
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  const track = async (job: Job<unknown>, work: () => Promise<unknown>): Promise<void> => {
    const id = job.attrs._id?.toString() ?? '';
    inFlight.add(id);
    try {
      await work();
    } finally {
      inFlight.delete(id);
    }
  };

  async function startWorker(handlers: JobHandlers): Promise<void> {
    if (state !== 'idle') throw new Error(`createAgendaJobs: the worker cannot start when ${state}`);
    state = 'starting';
    // Agenda keeps processEvery as milliseconds once it has parsed "5 seconds".
    const lockLifetime = Math.max(2 * MINUTE, 3 * agenda.attrs.processEvery);

    agenda.define(
      SLA_STEP_JOB,
      async (job: Job<unknown>) => {
        const data = job.attrs.data;
        if (!isSlaStepData(data)) {
          logger.error({ jobId: job.attrs._id, data }, 'sla-step job without ticket and step; dropped');
          return;
        }
        await track(job, () => handlers.fireTimer(data.ticketId, data.step));
        // Done with: remove it (usually the step's own `replace` already has). Not agenda's
        // `removeOnComplete`: it deletes after emitting 'complete', so `drain()` checks for running
        // jobs too early and then waits out its whole timeout.
        if (job.attrs._id) await agenda.cancel({ id: job.attrs._id });
      },
      {
        concurrency: 10,
        // A worker holds at most this many locked steps, so a backlog (after an outage) is shared
        // out between workers instead of being grabbed by the first one.
        lockLimit: 50,
        // A worker that died mid-run leaves its lock; another takes the step over after this long.
        lockLifetime,
        backoff: slaStepBackoff(options.retryDelayMs ?? 1_000),
      },
    );

    agenda.define(
      WHEEL_JOB,
      async (job: Job<unknown>) =>
        track(job, async () => {
          const made = await scheduler.turnWheel(Date.now());
          if (made > 0) logger.info({ agenda: instanceName, jobs: made }, 'timers came within the horizon');
        }),
      { concurrency: 1, lockLifetime: 10 * MINUTE },
    );

    agenda.define(RELAY_JOB, async (job: Job<unknown>) => track(job, () => handlers.relay()), {
      concurrency: 1,
      lockLifetime: 5 * MINUTE,
    });

    starting = (async () => {
      await agenda.start();
      await scheduleRepeating(WHEEL_JOB, WHEEL_JOB_ID, WHEEL_TURN_EVERY);
      await scheduleRepeating(RELAY_JOB, RELAY_JOB_ID, RELAY_EVERY);
    })();
    try {
      await starting;
      if (state === 'starting') state = 'running';
    } catch (error) {
      if (state === 'starting') state = 'idle';
      throw error;
    }
    logger.info({ agenda: instanceName, processEvery, lockLifetime }, 'job worker started');
  }

  /**
   * One repeating job each turns the wheel and runs the relay for the whole desk: it has a fixed
   * id, so workers starting together insert it once (agenda's own `every` would upsert by name,
   * which FerretDB v1 does not make atomic). It is due at once, so a worker that was down catches
   * up when it starts.
   */
  async function scheduleRepeating(jobName: string, id: ObjectId, every: string): Promise<void> {
    const { name, data, priority } = agenda.create(jobName, {}).attrs;
    try {
      await backend.collection.insertOne({
        _id: id,
        name,
        data,
        priority,
        type: 'single',
        repeatInterval: every,
        nextRunAt: new Date(),
        lockedAt: null,
        lastModifiedBy: instanceName,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async function stop(): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      // The backend prepares its storage as soon as it is made, worker or not; closing the
      // database under it would only turn that into noise in the log.
      await agenda.ready.catch(() => undefined);
      if (state !== 'running' && state !== 'starting') {
        state = 'stopped';
        return;
      }
      state = 'stopping';
      // A start still under way would create the job processor after we drained it.
      await starting?.catch(() => undefined);
      const drained = await agenda.drain({ timeout: options.drainTimeoutMs ?? 30_000 });
      if (drained.timedOut) {
        logger.warn(
          { agenda: instanceName, running: drained.running },
          'jobs still running when the worker stopped',
        );
      }
      await releaseLocks();
      state = 'stopped';
      logger.info({ agenda: instanceName, completed: drained.completed }, 'job worker stopped');
    })();
    return stopping;
  }

  /**
   * `drain()` waits for running jobs but keeps the locks on jobs this worker fetched ahead of their
   * instant (due within one scan); left alone, they would wait out the lock lifetime. The lock query
   * stamps `lastModifiedBy` with this instance's name, so its remaining locks are easy to find.
   */
  async function releaseLocks(): Promise<void> {
    try {
      const running = [...inFlight].filter((id) => ObjectId.isValid(id)).map((id) => new ObjectId(id));
      const released = await backend.collection.updateMany(
        { lastModifiedBy: instanceName, lockedAt: { $ne: null }, _id: { $nin: running } },
        { $unset: { lockedAt: '' } },
      );
      if (released.modifiedCount > 0) {
        logger.info(
          { agenda: instanceName, released: released.modifiedCount },
          'released locks on jobs not yet run',
        );
      }
    } catch (error) {
      logger.warn(
        { err: error, agenda: instanceName },
        'could not release job locks; they expire on their own',
      );
    }
  }

  return {
    scheduler,
    turnWheel: (now) => scheduler.turnWheel(now),
    startWorker,
    stop,
    health: () => ({ running: state === 'running' && agenda.isActiveJobProcessor() }),
  };
}

function describe(job: JobWithId): Record<string, unknown> {
  return {
    job: job.attrs.name,
    jobId: job.attrs._id,
    data: job.attrs.data,
    failCount: job.attrs.failCount,
    nextRunAt: job.attrs.nextRunAt,
  };
}
