import { Schema, type Connection, type Model } from 'mongoose';
import type { OrganisationRepository } from '../../app/ports.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';
import { LOCALES } from '../../domain/locale.ts';
import { AlreadyExistsError, OrganisationNameTakenError } from './errors.ts';
import { fromDocument, isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, toDocument } from './plain.ts';

type OrganisationDocument = Omit<Organisation, 'id'> & { _id: string };

const organisationSchema = new Schema<OrganisationDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    contractId: { type: String, required: true },
    locale: { type: String, enum: LOCALES, required: true },
    timeZone: { type: String, required: true },
    contactIds: { type: [String], default: undefined },
    incidentManagerId: String,
    accountOwnerId: String,
  },
  { ...SCHEMA_OPTIONS, collection: 'organisations' },
);

// Customers are told apart by name.
organisationSchema.index({ name: 1 }, { unique: true });

export function organisationModel(connection: Connection): Model<OrganisationDocument> {
  return modelOn(connection, 'Organisation', organisationSchema, 'organisations');
}

/**
 * Customers in `organisations`, unique by name. A save replaces the whole organisation (last
 * writer wins); a save of an unknown organisation throws `DomainError('notFound')`.
 */
export class MongoOrganisationRepository implements OrganisationRepository {
  private readonly organisations: Model<OrganisationDocument>;

  constructor(connection: Connection) {
    this.organisations = organisationModel(connection);
  }

  async insert(organisation: Organisation): Promise<void> {
    try {
      await this.organisations.create(toDocument(organisation));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (await this.organisations.exists({ _id: organisation.id })) {
        throw new AlreadyExistsError('organisation', organisation.id);
      }
      throw new OrganisationNameTakenError(organisation.name);
    }
  }

  async get(id: string): Promise<Organisation | undefined> {
    const document = await this.organisations.findById(id).lean<OrganisationDocument>();
    return document ? fromDocument<Organisation>(document) : undefined;
  }

  async save(organisation: Organisation): Promise<void> {
    const { _id, ...content } = toDocument(organisation);
    let matched: number;
    try {
      ({ matchedCount: matched } = await this.organisations.replaceOne({ _id }, content));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new OrganisationNameTakenError(organisation.name);
      throw error;
    }
    if (matched === 0) throw new DomainError('notFound', { organisation: organisation.id });
  }

  async list(): Promise<Organisation[]> {
    const documents = await this.organisations.find().sort({ name: 1 }).lean<OrganisationDocument[]>();
    return documents.map((document) => fromDocument<Organisation>(document));
  }
}
