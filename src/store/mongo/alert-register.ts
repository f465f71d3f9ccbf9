import { Schema, type Connection, type Model } from 'mongoose';
import type { AlertRegister } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** `alert_holds`: `_id` is "<organisation id>:<alert key>", held by one ticket. */
interface AlertHoldDocument {
  _id: string;
  ticketId: string;
  since: Date;
}

const alertHoldSchema = new Schema<AlertHoldDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    since: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'alert_holds' },
);

export function alertHoldModel(connection: Connection): Model<AlertHoldDocument> {
  return modelOn(connection, 'AlertHold', alertHoldSchema, 'alert_holds');
}

/** The hold is a unique `_id` insert: atomic on MongoDB and FerretDB alike. */
export class MongoAlertRegister implements AlertRegister {
  private readonly holds: Model<AlertHoldDocument>;

  constructor(connection: Connection) {
    this.holds = alertHoldModel(connection);
  }

  async hold(
    organisationId: string,
    alertKey: string,
    ticketId: string,
    at: Date,
  ): Promise<{ ticketId: string; since: Date }> {
    const _id = `${organisationId}:${alertKey}`;
    for (;;) {
      try {
        await this.holds.create({ _id, ticketId, since: at });
        return { ticketId, since: at };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const holder = await this.holds.findById(_id).lean<AlertHoldDocument>();
      // Released between our insert and our read: try to take it again.
      if (holder) return { ticketId: holder.ticketId, since: holder.since };
    }
  }

  async holder(
    organisationId: string,
    alertKey: string,
  ): Promise<{ ticketId: string; since: Date } | undefined> {
    const holder = await this.holds.findById(`${organisationId}:${alertKey}`).lean<AlertHoldDocument>();
    return holder ? { ticketId: holder.ticketId, since: holder.since } : undefined;
  }

  async release(organisationId: string, alertKey: string, ticketId: string): Promise<void> {
    await this.holds.deleteOne({ _id: `${organisationId}:${alertKey}`, ticketId });
  }
}
