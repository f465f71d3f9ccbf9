import { Schema, type Connection, type Model } from 'mongoose';
import type { DeliveryLog } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** `notification_deliveries`: one document per notification sent, `_id` its stable id. */
interface DeliveryDocument {
  _id: string;
  at: Date;
}

const deliverySchema = new Schema<DeliveryDocument>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'notification_deliveries' },
);

export function deliveryModel(connection: Connection): Model<DeliveryDocument> {
  return modelOn(connection, 'NotificationDelivery', deliverySchema, 'notification_deliveries');
}

/**
 * The claim is an insert of a unique `_id`: the one guard that both MongoDB and FerretDB enforce
 * atomically, so of any number of senders exactly one gets each notification.
 */
export class MongoDeliveryLog implements DeliveryLog {
  private readonly deliveries: Model<DeliveryDocument>;

  constructor(connection: Connection) {
    this.deliveries = deliveryModel(connection);
  }

  async claim(id: string): Promise<boolean> {
    try {
      await this.deliveries.create({ _id: id, at: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async release(id: string): Promise<void> {
    await this.deliveries.deleteOne({ _id: id });
  }
}
