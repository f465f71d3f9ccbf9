import { Schema, type Connection, type Model } from 'mongoose';
import type { DeliveryClaim, DeliveryLog } from '../../app/ports.ts';
import { insertOnce, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/**
 * `notification_deliveries`: per notification, one document per attempt at sending it
 * (`_id` "<notification id>#<attempt>", the claim of that attempt), and one once it was sent
 * (`_id` the notification id). Every document is a unique insert, the one guard MongoDB and FerretDB
 * both enforce atomically, so of any number of senders exactly one has each attempt; nothing is
 * updated.
 */
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

const attemptId = (id: string, attempt: number): string => `${id}#${attempt}`;

export class MongoDeliveryLog implements DeliveryLog {
  private readonly deliveries: Model<DeliveryDocument>;

  constructor(connection: Connection) {
    this.deliveries = deliveryModel(connection);
  }

  async sent(id: string): Promise<boolean> {
    return (await this.deliveries.exists({ _id: id })) !== null;
  }

  async claim(id: string, attempt: number, at: Date): Promise<DeliveryClaim> {
    if (await insertOnce(this.deliveries, { _id: attemptId(id, attempt), at })) return { ok: true };
    const holder = await this.deliveries.findById(attemptId(id, attempt)).lean<DeliveryDocument>();
    return { ok: false, since: holder?.at ?? at };
  }

  async confirm(id: string, at: Date): Promise<void> {
    await insertOnce(this.deliveries, { _id: id, at });
  }
}
