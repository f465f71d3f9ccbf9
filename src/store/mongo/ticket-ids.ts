import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { IdGenerator } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';

export const DEFAULT_TICKET_PREFIX = 'SD';

/** `counters`: one document per ticket prefix, `_id` "ticket:SD", holding the last number handed out. */
interface CounterDocument {
  _id: string;
  seq: number;
}

/** `ticket_ids`: every ticket id ever handed out, `_id` "SD-1042". Never deleted: ids are never reused. */
interface TicketIdDocument {
  _id: string;
  issuedAt: Date;
}

const counterSchema = new Schema<CounterDocument>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'counters' },
);

const ticketIdSchema = new Schema<TicketIdDocument>(
  { _id: { type: String, required: true }, issuedAt: { type: Date, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'ticket_ids' },
);

export function counterModel(connection: Connection): Model<CounterDocument> {
  return modelOn(connection, 'Counter', counterSchema, 'counters');
}

export function ticketIdModel(connection: Connection): Model<TicketIdDocument> {
  return modelOn(connection, 'TicketId', ticketIdSchema, 'ticket_ids');
}

/** Give up after this many lost races in one allocation (only reachable under extreme contention). */
const MAX_ATTEMPTS = 200;
/** At most this many ids reserved by one counter update. */
const MAX_BATCH = 100;

interface Waiter {
  resolve(id: string): void;
  reject(error: unknown): void;
}

/**
 * Human ticket ids ("SD-1042") from an atomic counter, plus opaque ids for everything else.
 *
 * The counter is a `findOneAndUpdate` with `$inc` and upsert: atomic on MongoDB. FerretDB v1 runs
 * that update as a read then a write, so concurrent calls can get the same number (or both try the
 * first upsert and one gets a duplicate key). Each number is therefore also claimed in `ticket_ids`
 * by its unique `_id` before it is handed out, and a number whose claim is lost is drawn again:
 * an id is never handed out twice, whatever the server.
 *
 * Calls made while a draw is under way wait for the next one, which reserves a number for each of
 * them with a single `$inc`; so one process never races itself, and only separate processes (or
 * stores) can collide.
 */
export class MongoTicketIds implements IdGenerator {
  private readonly counters: Model<CounterDocument>;
  private readonly issued: Model<TicketIdDocument>;
  private readonly counterId: string;
  private readonly waiting: Waiter[] = [];
  private drawing = false;

  constructor(
    connection: Connection,
    private readonly prefix: string = DEFAULT_TICKET_PREFIX,
  ) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,15}$/.test(prefix)) {
      throw new Error(
        `ticket prefix must be 1-16 letters and digits starting with a letter, not "${prefix}"`,
      );
    }
    this.counters = counterModel(connection);
    this.issued = ticketIdModel(connection);
    this.counterId = `ticket:${prefix}`;
  }

  nextTicketId(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      void this.serve();
    });
  }

  newId(): string {
    return randomUUID();
  }

  private async serve(): Promise<void> {
    if (this.drawing) return;
    this.drawing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          const ids = await this.allocate(batch.length);
          batch.forEach((waiter, index) => waiter.resolve(ids[index]!));
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.drawing = false;
    }
  }

  /** `count` ids, each claimed for good, in ascending order. */
  private async allocate(count: number): Promise<string[]> {
    const numbers: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && numbers.length < count; attempt++) {
      const wanted = count - numbers.length;
      const last = await this.draw(wanted);
      if (last === undefined) continue;
      const drawn = Array.from({ length: wanted }, (_, index) => last - wanted + 1 + index);
      const claims = await Promise.all(drawn.map((number) => this.claim(number)));
      numbers.push(...drawn.filter((_, index) => claims[index]));
    }
    if (numbers.length < count)
      throw new Error(`could not allocate a ticket id after ${MAX_ATTEMPTS} attempts`);
    return numbers.sort((a, b) => a - b).map((number) => this.format(number));
  }

  private format(number: number): string {
    return `${this.prefix}-${number}`;
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

  /** True when this call recorded the id as issued; false when it was issued before. */
  private async claim(number: number): Promise<boolean> {
    try {
      await this.issued.create({ _id: this.format(number), issuedAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
