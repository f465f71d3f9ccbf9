import type { Waiter } from './ports.ts';

/** What one submitted change came to: the saved record, or why this change alone was refused. */
export type Outcome<R> = { value: R } | { error: unknown };

interface Waiting<D, R> {
  decide: D;
  commit: (decides: D[]) => Promise<Outcome<R>[]>;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/** Changes one write takes at most, so that one write stays a small document change. */
const MAX_BATCH = 50;

/**
 * Changes to one record (a ticket, an organisation) that arrive while it is being written are
 * decided one after the other on the fresh record and written together, once, by whichever caller
 * came first. Fifty comments at the same moment are then two writes instead of fifty that refuse
 * each other; every caller still gets its own answer (a refusal of its own change only). Only
 * changes within this process meet here; another process's write is met by the version check.
 */
export class ChangeBatches {
  private readonly queues = new Map<string, Waiting<unknown, unknown>[]>();

  /** `waiter` paces the retries of changes that met another process's write. */
  constructor(readonly waiter: Waiter) {}

  submit<D, R>(key: string, decide: D, commit: (decides: D[]) => Promise<Outcome<R>[]>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = { decide, commit, resolve, reject } as unknown as Waiting<unknown, unknown>;
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(key, [waiting]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const outcomes = await batch[0]!.commit(batch.map((waiting) => waiting.decide));
        batch.forEach((waiting, index) => {
          const outcome = outcomes[index]!;
          if ('error' in outcome) waiting.reject(outcome.error);
          else waiting.resolve(outcome.value);
        });
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.queues.delete(key);
  }
}

/** Rounds a change is decided again against other processes' writes before the conflict is reported. */
export const CONFLICT_ROUNDS = 10;

/** The wait before round `attempt + 1`: a little longer each time, with jitter. */
export const backOff = (waiter: Waiter, attempt: number): Promise<void> =>
  waiter.wait(attempt * (5 + Math.random() * 20));

/**
 * A change to one versioned record (an organisation, a person): loaded, decided and saved if
 * nobody saved it meanwhile, otherwise decided again on the fresh record. Changes meeting in this
 * process are decided in turn and saved together.
 */
export function changeRecord<T>(
  batches: ChangeBatches,
  key: string,
  record: { load(): Promise<T>; save(changed: T): Promise<T>; isConflict(error: unknown): boolean },
  decide: (current: T) => T,
): Promise<T> {
  return batches.submit(key, decide, async (decides: ((current: T) => T)[]): Promise<Outcome<T>[]> => {
    for (let attempt = 1; ; attempt++) {
      const stored: T = await record.load();
      let current = stored;
      const refusals: (Outcome<T> | undefined)[] = decides.map((change) => {
        try {
          current = change(current);
          return undefined;
        } catch (error) {
          return { error };
        }
      });
      try {
        const saved = current === stored ? stored : await record.save(current);
        return refusals.map((refusal) => refusal ?? { value: saved });
      } catch (error) {
        if (!record.isConflict(error) || attempt >= CONFLICT_ROUNDS) throw error;
        await backOff(batches.waiter, attempt);
      }
    }
  });
}
