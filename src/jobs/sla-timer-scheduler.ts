import { createHash } from 'node:crypto';
import type { Agenda } from 'agenda';
import { ObjectId, type Collection } from 'mongodb';
import type { SlaTimerScheduler } from '../app/ports.ts';
import type { TicketTimer } from '../domain/tickets/timers.ts';
import { isDuplicateKeyError, isSlaStepData, SLA_STEP_JOB, type SlaStepData } from './job-names.ts';
import type { PlannedNext, TimerWheel } from './timer-wheel.ts';

/** One timer as the ticket's plan records it: the step, its instant and the job that fires it. */
export interface PlannedTimerJob {
  step: string;
  at: Date;
  jobId: ObjectId;
}

/**
 * A ticket's timer plan (`sla_timer_plans`, `_id` = ticket id, only while the ticket has timers):
 * which jobs `replace` last made the ticket's timers. `revision` counts the plan's changes and
 * seeds the ids of the jobs the next change inserts (see `timerJobId`).
 */
export interface TimerPlanDocument {
  _id: string;
  revision: number;
  jobs: PlannedTimerJob[];
}

interface StoredTimerJob {
  _id: ObjectId;
  nextRunAt?: Date | null;
}

/**
 * A job can only have run (or be running, or wait for a retry) once its instant has passed on the
 * worker's clock; `replace` reads the jobs it keeps whose instant is this close, or past, on its
 * own clock. Later ones are trusted to the plan: reading each would cost a lookup per timer on
 * every ticket change.
 */
const CHECK_JOBS_DUE_WITHIN_MS = 60_000;

/**
 * The id of the job `replace` inserts for a step when the ticket's plan is at `revision`: a hash,
 * so that processes planning the same ticket from the same plan at once (or a call retried after a
 * crash between inserting and recording) insert the very same jobs and the losers' inserts are
 * refused as duplicates instead of leaving a second job per step. The revision makes every change
 * insert new ids, so a timer moved away and back does not reuse the id of a job a worker may still
 * be running (a finishing run saves and deletes its job by id).
 */
export function timerJobId(ticketId: string, revision: number, step: string, at: Date): ObjectId {
  const digest = createHash('sha256')
    .update(JSON.stringify([ticketId, revision, step, at.toISOString()]))
    .digest();
  return new ObjectId(digest.subarray(0, 12));
}

/**
 * Records plans for timer jobs stored by earlier versions, which kept none (they looked jobs up by
 * ticket), so that `replace` moves and cancels those jobs instead of leaving them beside new ones.
 * Runs when the jobs' backend connects, only while no plan is stored at all (a new or just
 * upgraded database): one read of the `sla-step` jobs. A job that already ran has no instant left;
 * it is recorded at the epoch, so the ticket's next change replaces it, as earlier versions did.
 * Plans that exist are left as they are. Returns how many tickets got a plan.
 */
export async function planEarlierTimerJobs(
  jobs: Collection,
  plans: Collection<TimerPlanDocument>,
): Promise<number> {
  if (await plans.findOne({}, { projection: { _id: 1 } })) return 0;
  const found = await jobs
    .find<{ _id: ObjectId; data?: unknown; nextRunAt?: Date | null }>(
      { name: SLA_STEP_JOB },
      { projection: { data: 1, nextRunAt: 1 } },
    )
    .toArray();
  const byTicket = new Map<string, PlannedTimerJob[]>();
  for (const job of found) {
    if (!isSlaStepData(job.data)) continue;
    const { ticketId, step } = job.data;
    const planned = byTicket.get(ticketId) ?? [];
    if (planned.some((other) => other.step === step)) continue;
    planned.push({ step, at: job.nextRunAt instanceof Date ? job.nextRunAt : new Date(0), jobId: job._id });
    byTicket.set(ticketId, planned);
  }
  let recorded = 0;
  for (const [ticketId, planned] of byTicket) {
    try {
      await plans.insertOne({ _id: ticketId, revision: 1, jobs: planned });
      recorded++;
    } catch (error) {
      // Planned meanwhile (another process upgrading, or a `replace`): that plan stands.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  return recorded;
}

/** The first timer due; of timers due together, the first given (a reminder before its level). */
function earliest(timers: readonly TicketTimer[]): TicketTimer | undefined {
  let first: TicketTimer | undefined;
  for (const timer of timers) if (!first || timer.at.getTime() < first.at.getTime()) first = timer;
  return first;
}

const waitsFor = (job: StoredTimerJob | null | undefined, at: Date): boolean =>
  job?.nextRunAt instanceof Date && job.nextRunAt.getTime() === at.getTime();

/**
 * Keeps each ticket's next timer as one one-off Agenda job (`sla-step`, data `{ ticketId, step }`),
 * due at the timer's exact instant: the job that fires plans the ticket's timers again (see
 * `fireTimer`), so a ticket never has more than one job, and what a worker's poll reads grows with
 * the tickets that have timers, not with their steps. Needs no running worker: web processes
 * schedule, workers run.
 *
 * `replace` reads and writes single documents named by `_id`, and inserts. On the embedded FerretDB
 * 1.24 (SQLite) any other filter decodes every document of the collection; `{ _id: value }` is
 * handed to SQLite, which still reads every row (FerretDB's `_id` expression misses its own index)
 * but some ten times faster; inserts alone cost the same however many documents are stored. So
 * `replace` never looks jobs up by ticket: the ticket's plan document says which jobs are its
 * timers, and `replace`
 * - reads the plan, and each job it would keep (same step, same instant) that may have run by now,
 *   so that one that ran, runs, waits for a retry or vanished is replaced rather than trusted;
 * - inserts the missing jobs, then records the new plan (or deletes it: no timers), then deletes
 *   the jobs left out of it, one by one. A crash or a failure in between leaves extra jobs, never
 *   a planned step without one. An extra job is harmless: `fireSlaStep` does nothing for a step
 *   not planned at that instant or already announced (and the next `replace` from the same plan
 *   adopts the jobs it had inserted, their ids being the same).
 * A call with the plan already in place writes nothing (idempotent) and never resets a job another
 * worker has locked. A moved timer is deleted and inserted, never updated in place: a worker still
 * running the old job saves its state by job id when it finishes, which would otherwise overwrite
 * the new instant.
 *
 * Calls for the same ticket run one after another in this process. Across processes, calls from
 * the same plan insert the same jobs (see `timerJobId`); calls with different plans at the same
 * moment end with the last plan recorded, plus stray jobs of the other (harmless, as above).
 */
export class AgendaSlaTimerScheduler implements SlaTimerScheduler {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly agenda: Agenda,
    private readonly jobs: Collection,
    private readonly plans: Collection<TimerPlanDocument>,
    private readonly wheel: TimerWheel,
  ) {}

  /** Makes a job of every parked timer now within the horizon (see `TimerWheel`); how many it made. */
  turnWheel(now: number): Promise<number> {
    return this.wheel.turn(now, async (ticketIds) => {
      const plans =
        ticketIds.length === 0 ? [] : await this.plans.find({ _id: { $in: [...ticketIds] } }).toArray();
      return plans.flatMap((plan): PlannedNext[] => {
        const next = plan.jobs[0];
        if (!next) return [];
        return [{ ticketId: plan._id, at: next.at, insertJob: () => this.insertParked(plan._id, next) }];
      });
    });
  }

  replace(ticketId: string, timers: readonly TicketTimer[]): Promise<void> {
    const previous = this.queues.get(ticketId) ?? Promise.resolve();
    const run = previous.then(() => this.apply(ticketId, timers));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(ticketId, settled);
    void settled.then(() => {
      if (this.queues.get(ticketId) === settled) this.queues.delete(ticketId);
    });
    return run;
  }

  private async apply(ticketId: string, timers: readonly TicketTimer[]): Promise<void> {
    await this.agenda.ready;
    const wanted = new Map<string, Date>();
    const next = earliest(timers);
    if (next) wanted.set(next.step, next.at);

    const plan = await this.plans.findOne({ _id: ticketId });
    const revision = plan?.revision ?? 0;
    const recorded = plan?.jobs ?? [];

    // Recorded jobs at a wanted step and instant stay; those that may have run by now, if they
    // still wait for their instant.
    const kept = new Map<string, PlannedTimerJob>();
    const toCheck: PlannedTimerJob[] = [];
    const stale: ObjectId[] = [];
    const checkBefore = Date.now() + CHECK_JOBS_DUE_WITHIN_MS;
    for (const job of recorded) {
      const at = wanted.get(job.step);
      const current =
        at !== undefined &&
        at.getTime() === job.at.getTime() &&
        !kept.has(job.step) &&
        !toCheck.some((other) => other.step === job.step);
      if (!current) stale.push(job.jobId);
      else if (job.at.getTime() > checkBefore) kept.set(job.step, job);
      else toCheck.push(job);
    }
    const stored = await Promise.all(toCheck.map((job) => this.findJob(job.jobId)));
    toCheck.forEach((job, i) => {
      if (waitsFor(stored[i], job.at)) kept.set(job.step, job);
      else if (stored[i]) stale.push(job.jobId); // ran, runs or waits for a retry: a fresh one replaces it
    });

    const planned: PlannedTimerJob[] = [];
    let inserted = 0;
    for (const [step, at] of wanted) {
      const existing = kept.get(step);
      if (existing) {
        planned.push(existing);
        continue;
      }
      const { jobId, displaced } = await this.placeJob(ticketId, revision, step, at);
      if (displaced) stale.push(displaced);
      planned.push({ step, at, jobId });
      inserted++;
    }

    // Only once the new jobs exist does the plan name them; only then do the old ones go.
    if (planned.length === 0) {
      if (plan) await this.plans.deleteOne({ _id: ticketId });
    } else if (inserted > 0 || kept.size !== recorded.length) {
      await this.recordPlan(ticketId, plan !== null, { revision: revision + 1, jobs: planned });
    }
    for (const jobId of stale) await this.jobs.deleteOne({ _id: jobId });
  }

  private findJob(jobId: ObjectId): Promise<StoredTimerJob | null> {
    return this.jobs.findOne<StoredTimerJob>({ _id: jobId }, { projection: { nextRunAt: 1 } });
  }

  /**
   * A far timer is parked on the wheel under the id its job will have; a near one is a job now.
   */
  private async placeJob(
    ticketId: string,
    revision: number,
    step: string,
    at: Date,
  ): Promise<{ jobId: ObjectId; displaced?: ObjectId }> {
    if (!(await this.wheel.park(ticketId, at, Date.now())))
      return this.insertJob(ticketId, revision, step, at);
    return { jobId: timerJobId(ticketId, revision, step, at) };
  }

  /** The wheel turned to a parked timer: its job, under the id the plan names (once, however often). */
  private async insertParked(ticketId: string, planned: PlannedTimerJob): Promise<void> {
    try {
      await this.jobs.insertOne({
        _id: planned.jobId,
        ...this.jobDocument(ticketId, planned.step, planned.at),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  private jobDocument(ticketId: string, step: string, at: Date) {
    const { name, data, type, priority, nextRunAt } = this.agenda
      .create<SlaStepData>(SLA_STEP_JOB, { ticketId, step })
      .schedule(at).attrs;
    return { name, data, type, priority, nextRunAt, lockedAt: null, lastModifiedBy: this.agenda.attrs.name };
  }

  /**
   * Inserts the step's job, as agenda's MongoBackend would store it (`Job.save()` without `unique`)
   * less the fields it sets to null: agenda reads a missing field as null, and the embedded
   * database's lookups cost in proportion to the size of every job stored.
   */
  private async insertJob(
    ticketId: string,
    revision: number,
    step: string,
    at: Date,
  ): Promise<{ jobId: ObjectId; displaced?: ObjectId }> {
    const job = this.jobDocument(ticketId, step, at);
    const jobId = timerJobId(ticketId, revision, step, at);
    try {
      await this.jobs.insertOne({ _id: jobId, ...job });
      return { jobId };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const there = await this.findJob(jobId);
      // Another call from the same plan inserted this very job first: it is the step's timer.
      if (waitsFor(there, at)) return { jobId };
      // Refused by something else than the id (an old unique index): not a scheduled timer.
      if (!there) throw error;
      // An older job under this id that is done with (its ticket's plan was cleared, then the same
      // step planned at the same instant again): the timer gets a new id, the old job goes.
      const fresh = new ObjectId();
      await this.jobs.insertOne({ _id: fresh, ...job });
      return { jobId: fresh, displaced: jobId };
    }
  }

  private async recordPlan(ticketId: string, existed: boolean, plan: Omit<TimerPlanDocument, '_id'>) {
    if (!existed) {
      try {
        // An insert: the only write whose cost does not grow with the collection on FerretDB.
        await this.plans.insertOne({ _id: ticketId, ...plan });
        return;
      } catch (error) {
        // Another process recorded the ticket's first plan meanwhile: ours replaces it.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    await this.plans.replaceOne({ _id: ticketId }, plan, { upsert: true });
  }
}
