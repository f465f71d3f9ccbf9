import { Schema, type Connection, type Model } from 'mongoose';
import { ConcurrentOrganisationChangeError, type OrganisationRepository } from '../../app/ports.ts';
import { DomainError } from '../../domain/domain-error.ts';
import type { Organisation } from '../../domain/desk/organisation.ts';
import { LOCALES } from '../../domain/locale.ts';
import { AlreadyExistsError, OrganisationNameTakenError } from './errors.ts';
import { fromDocument, isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, toDocument } from './plain.ts';
import {
  CreatedAlreadyError,
  MissingDocumentError,
  revisionModel,
  StaleVersionError,
  VersionedDocuments,
} from './versioned-documents.ts';

type OrganisationDocument = Omit<Organisation, 'id' | 'version'> & { _id: string; version: number };

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
    version: { type: Number, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'organisations' },
);

// Customers are told apart by name.
organisationSchema.index({ name: 1 }, { unique: true });

export function organisationModel(connection: Connection): Model<OrganisationDocument> {
  return modelOn(connection, 'Organisation', organisationSchema, 'organisations');
}

/**
 * Customers in `organisations`, unique by name, with optimistic concurrency on `version` the way
 * tickets have it (each version claimed once in `organisation_revisions`, see
 * versioned-documents.ts): two admins adding contacts at once cannot overwrite each other, and
 * the ten-contact limit holds whatever the concurrency. A save of an unknown organisation throws
 * `DomainError('notFound')`.
 */
export class MongoOrganisationRepository implements OrganisationRepository {
  private readonly organisations: Model<OrganisationDocument>;
  private readonly versions: VersionedDocuments<OrganisationDocument>;

  constructor(connection: Connection) {
    this.organisations = organisationModel(connection);
    this.versions = new VersionedDocuments(this.organisations, revisionModel(connection, 'organisation'));
  }

  async insert(organisation: Organisation): Promise<Organisation> {
    const inserted = { ...organisation, version: 0 };
    // Names are checked first: a claim cannot be taken back once made.
    await this.requireFreeName(inserted);
    try {
      await this.versions.create(toDocument(inserted) as OrganisationDocument);
    } catch (error) {
      if (error instanceof CreatedAlreadyError) throw new AlreadyExistsError('organisation', organisation.id);
      if (isDuplicateKeyError(error)) throw new OrganisationNameTakenError(organisation.name);
      throw error;
    }
    return inserted;
  }

  async get(id: string): Promise<Organisation | undefined> {
    const document = await this.organisations.findById(id).lean<OrganisationDocument>();
    return document ? fromDocument<Organisation>(document) : undefined;
  }

  async save(organisation: Organisation): Promise<Organisation> {
    const saved = { ...organisation, version: (organisation.version ?? 0) + 1 };
    await this.requireFreeName(saved);
    try {
      await this.versions.save(toDocument(saved) as OrganisationDocument);
    } catch (error) {
      if (error instanceof StaleVersionError) throw new ConcurrentOrganisationChangeError(organisation.id);
      if (error instanceof MissingDocumentError) {
        throw new DomainError('notFound', { organisation: organisation.id });
      }
      if (isDuplicateKeyError(error)) throw new OrganisationNameTakenError(organisation.name);
      throw error;
    }
    return saved;
  }

  private async requireFreeName(organisation: Organisation): Promise<void> {
    const holder = await this.organisations
      .findOne({ name: organisation.name })
      .select({ _id: 1 })
      .lean<{ _id: string }>();
    if (holder && holder._id !== organisation.id) throw new OrganisationNameTakenError(organisation.name);
  }

  async list(): Promise<Organisation[]> {
    const documents = await this.organisations.find().sort({ name: 1 }).lean<OrganisationDocument[]>();
    return documents.map((document) => fromDocument<Organisation>(document));
  }
}
