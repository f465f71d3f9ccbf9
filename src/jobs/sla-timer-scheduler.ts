import type { Agenda } from 'agenda';
import type { Collection, ObjectId } from 'mongodb';
import type { SlaTimerScheduler } from '../app/ports.ts';
import type { SlaTimer } from '../domain/tickets/sla-clock.ts';
import { isDuplicateKeyError, SLA_STEP_JOB, type SlaStepData } from './job-names.ts';

interface StoredTimerJob {
  _id: ObjectId;
  data?: Partial<SlaStepData> | null;
  nextRunAt?: Date | null;
}

/**
 * Keeps each ticket's SLA timers as one-off Agenda jobs (`sla-step`, data `{ ticketId, step }`),
 * each due at its timer's exact instant. Needs no running worker: web processes schedule, workers
 * run.
 *
 * `replace` brings the stored jobs in line with the plan instead of wiping and re-adding them:
 * - a job whose step is still planned at the same instant is left alone, so calling `replace` again
 *   with the same plan writes nothing (idempotent) and never resets a job another worker has locked;
 * - every other job of the ticket is deleted (unplanned step, new instant, a job that already ran or
 *   waits for a retry, a stray duplicate);
 * - each missing step is inserted as a new job.
 * A moved timer is deleted and inserted, never updated in place: a worker still running the old job
 * saves its state by job id when it finishes, which would otherwise overwrite the new instant.
 *
 * Calls for the same ticket run one after another in this process; across processes the unique
 * index on `(data.ticketId, data.step)` keeps a step from being scheduled twice.
 */
export class AgendaSlaTimerScheduler implements SlaTimerScheduler {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly agenda: Agenda,
    private readonly jobs: Collection,
  ) {}

  replace(ticketId: string, timers: readonly SlaTimer[]): Promise<void> {
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

  private async apply(ticketId: string, timers: readonly SlaTimer[]): Promise<void> {
    await this.agenda.ready;
    const wanted = new Map<string, Date>();
    for (const timer of timers) wanted.set(timer.step, timer.at);

    const existing = await this.jobs
      .find<StoredTimerJob>(
        { name: SLA_STEP_JOB, 'data.ticketId': ticketId },
        { projection: { data: 1, nextRunAt: 1 } },
      )
      .toArray();
    const kept = new Set<string>();
    const stale: string[] = [];
    for (const job of existing) {
      const step = job.data?.step;
      const at = step === undefined ? undefined : wanted.get(step);
      const current =
        at !== undefined && job.nextRunAt instanceof Date && job.nextRunAt.getTime() === at.getTime();
      if (current && step !== undefined && !kept.has(step)) kept.add(step);
      else stale.push(job._id.toHexString());
    }

    if (stale.length > 0) await this.agenda.cancel({ ids: stale });
    for (const [step, at] of wanted) {
      if (!kept.has(step)) await this.schedule(ticketId, step, at);
    }
  }

  private async schedule(ticketId: string, step: string, at: Date): Promise<void> {
    const job = this.agenda
      .create<SlaStepData>(SLA_STEP_JOB, { ticketId, step })
      .schedule(at)
      // Upsert on (ticketId, step) that only ever inserts: a job another process put there in the
      // meantime is kept as it is.
      .unique({ 'data.ticketId': ticketId, 'data.step': step }, { insertOnly: true });
    try {
      await job.save();
    } catch (error) {
      // Another process inserted the same step between our upsert's lookup and its insert.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
