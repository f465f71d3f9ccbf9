import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** `counters`: one document per sequence ("ticket:SD", "shelf:org:<id>"), the last number drawn. */
export interface CounterDocument {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<CounterDocument>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'counters' },
);

export function counterModel(connection: Connection): Model<CounterDocument> {
  return modelOn(connection, 'Counter', counterSchema, 'counters');
}

/** Give up after this many lost races in one allocation (only reachable under extreme contention). */
const MAX_ATTEMPTS = 200;
/** At most this many numbers reserved by one counter update. */
const MAX_BATCH = 100;

/** Where a sequence records its numbers: one document per number, its `_id` made from the number. */
export interface SequenceClaims<Payload> {
  /** Records `number` with `payload`: true when this call did, false when it was recorded before. */
  claim(number: number, payload: Payload): Promise<boolean>;
  /** True when `number` is recorded. */
  isClaimed(number: number): Promise<boolean>;
}

/** Claims kept in a collection whose documents are `{ _id: idOf(number), ...payload }`. */
export function claimsIn<Payload extends object>(
  model: Model<{ _id: string } & Payload>,
  idOf: (number: number) => string,
): SequenceClaims<Payload> {
  return {
    async claim(number, payload) {
      try {
        await model.create({ ...payload, _id: idOf(number) });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async isClaimed(number) {
      return (await model.findById(idOf(number)).select({ _id: 1 }).lean()) !== null;
    },
  };
}

interface Waiter<Payload> {
  payload: Payload;
  resolve(number: number): void;
  reject(error: unknown): void;
}

/**
 * A gap-tolerant, never-reused sequence of numbers from an atomic counter, every number recorded
 * by a unique `_id` insert before it is handed out.
 *
 * The counter is a `findOneAndUpdate` with `$inc` and upsert: atomic on MongoDB. FerretDB v1 runs
 * that update as a read then a write, so concurrent calls can get the same number, or set the
 * counter back. The claim, a unique `_id` insert, is what every server enforces atomically: a
 * number whose claim is lost is drawn again, so a number is never handed out twice.
 *
 * Calls made while a draw is under way wait for the next one, which reserves a number for each of
 * them with a single `$inc`; so one process never races itself, and only separate processes (or
 * stores) can collide.
 */
export class ClaimedSequence<Payload> {
  private readonly waiting: Waiter<Payload>[] = [];
  private drawing = false;

  constructor(
    private readonly counters: Model<CounterDocument>,
    private readonly counterId: string,
    private readonly claims: SequenceClaims<Payload>,
  ) {}

  /** The next number, recorded with `payload`. */
  next(payload: Payload): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ payload, resolve, reject });
      void this.serve();
    });
  }

  /**
   * The highest number handed out so far (0 when none): the counter, then any claims above it (a
   * counter set back by a lost update on FerretDB, or deleted by hand, lags behind its claims).
   */
  async top(): Promise<number> {
    const counter = await this.counters.findById(this.counterId).lean<CounterDocument>();
    let top = counter?.seq ?? 0;
    while (await this.claims.isClaimed(top + 1)) top++;
    return top;
  }

  private async serve(): Promise<void> {
    if (this.drawing) return;
    this.drawing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          await this.allocate(batch);
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.drawing = false;
    }
  }

  /** Gives each waiter a number it claimed, in ascending order of arrival. */
  private async allocate(batch: readonly Waiter<Payload>[]): Promise<void> {
    let unserved = [...batch];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && unserved.length > 0; attempt++) {
      const last = await this.draw(unserved.length);
      if (last === undefined) continue;
      const first = last - unserved.length + 1;
      const claimed = await Promise.all(
        unserved.map((waiter, index) => this.claims.claim(first + index, waiter.payload)),
      );
      unserved.forEach((waiter, index) => {
        if (claimed[index]) waiter.resolve(first + index);
      });
      unserved = unserved.filter((_, index) => !claimed[index]);
    }
    if (unserved.length > 0) throw new Error(`could not draw a number after ${MAX_ATTEMPTS} attempts`);
  }

  /** Moves the counter on by `count`; its new value, or undefined when a concurrent first upsert won. */
  private async draw(count: number): Promise<number | undefined> {
    try {
      const counter = await this.counters
        .findOneAndUpdate(
          { _id: this.counterId },
          { $inc: { seq: count } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<CounterDocument>();
      return counter?.seq;
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  }
}
