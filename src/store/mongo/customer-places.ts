import { Schema, type Connection, type Model } from 'mongoose';
import type { CustomerPlace, CustomerPlaces } from '../../app/ports.ts';
import { modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** `customer_places`: `_id` "<channel>|<place>", the organisation it belongs to. */
interface CustomerPlaceDocument {
  _id: string;
  channel: string;
  place: string;
  organisationId: string;
}

const customerPlaceSchema = new Schema<CustomerPlaceDocument>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    place: { type: String, required: true },
    organisationId: { type: String, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'customer_places' },
);

// An organisation's places, for when it is looked at or leaves.
customerPlaceSchema.index({ organisationId: 1 });

export function customerPlaceModel(connection: Connection): Model<CustomerPlaceDocument> {
  return modelOn(connection, 'CustomerPlace', customerPlaceSchema, 'customer_places');
}

const placeId = (channel: string, place: string): string => `${channel}|${place}`;

export class MongoCustomerPlaces implements CustomerPlaces {
  private readonly places: Model<CustomerPlaceDocument>;

  constructor(connection: Connection) {
    this.places = customerPlaceModel(connection);
  }

  async organisationOf(channel: string, place: string): Promise<string | undefined> {
    const found = await this.places
      .findById(placeId(channel, place), { organisationId: 1 })
      .lean<{ organisationId: string }>();
    return found?.organisationId;
  }

  async map({ channel, place, organisationId }: CustomerPlace): Promise<void> {
    await this.places.replaceOne(
      { _id: placeId(channel, place) },
      { channel, place, organisationId },
      { upsert: true },
    );
  }

  async unmap(channel: string, place: string): Promise<boolean> {
    return (await this.places.deleteOne({ _id: placeId(channel, place) })).deletedCount === 1;
  }

  async list(): Promise<CustomerPlace[]> {
    const found = await this.places.find({}).sort({ _id: 1 }).lean<CustomerPlaceDocument[]>();
    return found.map(({ channel, place, organisationId }) => ({ channel, place, organisationId }));
  }
}
