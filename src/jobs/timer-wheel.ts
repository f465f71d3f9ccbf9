import type { Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import { ClaimedSequence, claimsIn, counterModel } from '../store/mongo/claimed-sequence.ts';
import { modelOn, SCHEMA_OPTIONS } from '../store/mongo/plain.ts';
import { isDuplicateKeyError } from './job-names.ts';

const HOUR = 3_600_000;

/**
 * Timers due within this long of now are jobs at once; later ones wait on the wheel. The worker's
 * poll reads every job stored (the embedded database serves no other query from an index), so
 * keeping only the next hours' timers as jobs is what keeps the poll's cost flat however many
 * tickets wait, days or weeks ahead, for a step.
 */
export const WHEEL_HORIZON_MS = 2 * HOUR;
/** How often the worker moves the timers coming within the horizon onto the job queue. */
export const WHEEL_TURN_EVERY = '10 minutes';

/** The hour a timer's instant falls in (hours since the epoch): one slot of the wheel. */
export const slotOf = (at: Date): number => Math.floor(at.getTime() / HOUR);

/**
 * Far timers are parked in the slot of their hour. A timer is parked only when its slot lies at
 * least one whole slot beyond the one the horizon reaches now, so a turn that already ran (its
 * clock at most an hour off this one's) cannot have read that slot yet.
 */
export const isFar = (at: Date, now: number): boolean =>
  slotOf(at) > slotOf(new Date(now + WHEEL_HORIZON_MS)) + 1;

interface WheelEntryDocument {
  _id: string;
  ticketId: string;
}

interface WheelMarkDocument {
  _id: string;
  /** Every slot up to this one has been turned: its timers are jobs. */
  through: number;
}

const wheelEntrySchema = new Schema<WheelEntryDocument>(
  { _id: { type: String, required: true }, ticketId: { type: String, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'sla_timer_wheel' },
);

export function wheelEntryModel(connection: Connection, collection: string): Model<WheelEntryDocument> {
  return modelOn(connection, `TimerWheelEntry:${collection}`, wheelEntrySchema, collection);
}

const MARK_ID = 'turned';
/** The wheel turns an hour's slot at a time at most, so a mark read this long ago is still safe to use. */
const MARK_FRESH_MS = 60_000;
const READ_BATCH = 200;

/** What the wheel needs of a ticket's timer plan: which job its next timer is, and when. */
export interface PlannedNext {
  ticketId: string;
  at: Date;
  insertJob(): Promise<void>;
}

/**
 * The far side of the SLA timers, kept by `_id` alone: `sla_timer_wheel` holds, per hour slot, the
 * tickets whose next timer was parked in it ("slot:493210#1", "#2", … from the sequence
 * `wheel:493210`), plus the mark of how far the wheel has turned. Entries are only ever inserted:
 * a timer that moves gets an entry in its new slot, and an entry whose ticket no longer plans a
 * timer in that slot is passed over when its slot turns (the plan is the truth, the entry a hint).
 *
 * A turn reads the slots from the mark up to the one the horizon reaches, their entries and their
 * tickets' plans by `_id`, inserts each job that is still planned (the job ids are derived from the
 * plan, so a turn that runs twice, or on two workers at once, inserts each job once), then moves
 * the mark. Its cost follows the timers coming due, never those waiting further off.
 */
export class TimerWheel {
  private readonly entries: Model<WheelEntryDocument>;
  private readonly marks: Collection<WheelMarkDocument>;
  private readonly slots = new Map<number, ClaimedSequence<{ ticketId: string }>>();
  /** The mark as last read here; the margin of one slot in `park` covers its being a minute old. */
  private mark: { through: number; readAt: number } | undefined;

  constructor(
    private readonly connection: Connection,
    collection: string,
  ) {
    this.entries = wheelEntryModel(connection, collection);
    this.marks = connection.db!.collection<WheelMarkDocument>(collection);
  }

  /**
   * Parks the ticket's next timer in its slot, if it is far (the plan, written by the caller,
   * names its job); false when it must be a job now. A slot the wheel has turned to, or nearly
   * (a worker whose clock runs ahead), takes no more timers.
   */
  async park(ticketId: string, at: Date, now: number): Promise<boolean> {
    if (!isFar(at, now)) return false;
    if (!this.mark || now - this.mark.readAt > MARK_FRESH_MS) {
      // The first timer ever parked sets the mark: no slot before the horizon can hold one.
      this.mark = { through: await this.markOnce(slotOf(new Date(now + WHEEL_HORIZON_MS))), readAt: now };
    }
    if (slotOf(at) <= this.mark.through + 1) return false;
    await this.slot(slotOf(at)).next({ ticketId });
    return true;
  }

  /**
   * Turns the wheel to `now`: every parked timer due within the horizon becomes a job. Returns how
   * many jobs it inserted.
   */
  async turn(
    now: number,
    planned: (ticketIds: readonly string[]) => Promise<PlannedNext[]>,
  ): Promise<number> {
    const reach = slotOf(new Date(now + WHEEL_HORIZON_MS));
    const from = (await this.markOnce(slotOf(new Date(now)) - 1)) + 1;
    let inserted = 0;
    for (let slot = from; slot <= reach; slot++) {
      const top = await this.slot(slot).top();
      for (let first = 1; first <= top; first += READ_BATCH) {
        const ids = Array.from({ length: Math.min(READ_BATCH, top - first + 1) }, (_, i) =>
          entryId(slot, first + i),
        );
        const entries = await this.entries.find({ _id: { $in: ids } }).lean<WheelEntryDocument[]>();
        const plans = await planned([...new Set(entries.map((entry) => entry.ticketId))]);
        for (const next of plans) {
          if (slotOf(next.at) !== slot) continue;
          await next.insertJob();
          inserted++;
        }
      }
      await this.marks.updateOne({ _id: MARK_ID }, { $max: { through: slot } });
    }
    return inserted;
  }

  /** The mark, set to `initial` if there was none yet. */
  private async markOnce(initial: number): Promise<number> {
    const mark = await this.marks.findOne({ _id: MARK_ID });
    if (mark) return mark.through;
    try {
      await this.marks.insertOne({ _id: MARK_ID, through: initial });
      return initial;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.marks.findOne({ _id: MARK_ID }))?.through ?? initial;
    }
  }

  private slot(slot: number): ClaimedSequence<{ ticketId: string }> {
    let sequence = this.slots.get(slot);
    if (!sequence) {
      sequence = new ClaimedSequence(
        counterModel(this.connection),
        `wheel:${this.entries.collection.collectionName}:${slot}`,
        claimsIn(this.entries, (position) => entryId(slot, position)),
      );
      this.slots.set(slot, sequence);
    }
    return sequence;
  }
}

const entryId = (slot: number, position: number): string => `slot:${slot}#${position}`;
