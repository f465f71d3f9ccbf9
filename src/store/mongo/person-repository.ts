import { Schema, type Connection, type Model, type QueryFilter } from 'mongoose';
import { ConcurrentPersonChangeError, type PersonRepository } from '../../app/ports.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { CHANNELS, type Channel, type Identity, type Person } from '../../domain/desk/people.ts';
import { LOCALES } from '../../domain/locale.ts';
import { AlreadyExistsError, IdentityTakenError } from './errors.ts';
import { fromDocument, isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, toDocument } from './plain.ts';
import {
  CreatedAlreadyError,
  MissingDocumentError,
  revisionModel,
  StaleVersionError,
  VersionedDocuments,
} from './versioned-documents.ts';

/**
 * `emailKey` is the e-mail address in lower case, written with every write of the person (so it
 * can never disagree with `email`), for finding a chat user's contact record by the address their
 * platform gives. An index on it rather than an `_id`-addressed lookup collection: addresses are
 * not unique (one human may be a contact of two customers), a second collection would be a second
 * write to keep in step with every change of a person, and the lookup runs only on a chat user's
 * first contact, over `people`, which holds contacts (at most ten per customer) and agents.
 */
type PersonDocument = Omit<Person, 'id' | 'version'> & { _id: string; version: number; emailKey?: string };

/**
 * `person_identities`: who owns each chat identity, `_id` "slack:U123" (channel, then the external
 * id). The `_id` is the unique index on (channel, externalId) that maps one identity to one person.
 * A separate collection because neither server enforces uniqueness across the elements of an array
 * the way this needs: FerretDB v1 accepts a unique index on `identities.channel` +
 * `identities.externalId` but does not enforce it, and MongoDB would refuse a second person with
 * no identities at all.
 */
interface IdentityDocument {
  _id: string;
  channel: Channel;
  externalId: string;
  personId: string;
  claimedAt: Date;
}

const personSchema = new Schema<PersonDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ['contact', 'agent', 'admin'], required: true },
    organisationId: String,
    email: String,
    locale: { type: String, enum: LOCALES },
    identities: {
      type: [
        new Schema(
          {
            channel: { type: String, enum: CHANNELS, required: true },
            externalId: { type: String, required: true },
            // What the platform needs to reach the person (see Identity): Slack's team, Teams'
            // tenant and the 1:1 conversation the bot was installed in.
            teamId: String,
            tenantId: String,
            conversation: new Schema(
              { id: { type: String, required: true }, serviceUrl: { type: String, required: true } },
              { _id: false },
            ),
          },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    emailKey: String,
    version: { type: Number, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'people' },
);

// An organisation's contacts, and the desk's agents.
personSchema.index({ organisationId: 1, role: 1, name: 1 });
personSchema.index({ role: 1, name: 1 });
personSchema.index({ emailKey: 1 });

const identitySchema = new Schema<IdentityDocument>(
  {
    _id: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    externalId: { type: String, required: true },
    personId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'person_identities' },
);

// Releasing the identities a person no longer has.
identitySchema.index({ personId: 1 });

export function personModel(connection: Connection): Model<PersonDocument> {
  return modelOn(connection, 'Person', personSchema, 'people');
}

export function identityModel(connection: Connection): Model<IdentityDocument> {
  return modelOn(connection, 'PersonIdentity', identitySchema, 'person_identities');
}

export const identityKey = (identity: Identity): string => `${identity.channel}:${identity.externalId}`;

export const emailKey = (email: string): string => email.trim().toLowerCase();

const asDocument = (person: Person): PersonDocument => ({
  ...(toDocument(person) as PersonDocument),
  ...(person.email ? { emailKey: emailKey(person.email) } : {}),
});

const asPerson = (document: PersonDocument): Person => {
  const { emailKey: _key, ...person } = fromDocument<Person & { emailKey?: string }>(document);
  return person;
};

const hasIdentity = (person: Pick<Person, 'identities'> | null | undefined, identity: Identity): boolean =>
  !!person?.identities?.some(
    (own) => own.channel === identity.channel && own.externalId === identity.externalId,
  );

/**
 * A claim whose owner does not list the identity and is older than this was left by a writer that
 * died between claiming and writing the person; another person may then take it over. Younger
 * claims may belong to a person being inserted right now.
 */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * People in `people`, their identities claimed in `person_identities` (see above), with optimistic
 * concurrency on `version` the way tickets have it (each version claimed once in
 * `person_revisions`, see versioned-documents.ts). Writes claim new identities first, then write
 * the person, then release identities the person no longer has; an identity of someone else's
 * throws `IdentityTakenError` and leaves the person unchanged.
 */
export class MongoPersonRepository implements PersonRepository {
  private readonly people: Model<PersonDocument>;
  private readonly identities: Model<IdentityDocument>;
  private readonly versions: VersionedDocuments<PersonDocument>;

  constructor(connection: Connection) {
    this.people = personModel(connection);
    this.identities = identityModel(connection);
    this.versions = new VersionedDocuments(this.people, revisionModel(connection, 'person'));
  }

  async insert(person: Person): Promise<Person> {
    if (await this.people.exists({ _id: person.id })) throw new AlreadyExistsError('person', person.id);
    const inserted = { ...person, version: 0 };
    const claimed = await this.claim(person);
    try {
      await this.versions.create(asDocument(inserted));
    } catch (error) {
      await this.identities.deleteMany({ _id: { $in: claimed }, personId: person.id });
      if (error instanceof CreatedAlreadyError || isDuplicateKeyError(error))
        throw new AlreadyExistsError('person', person.id);
      throw error;
    }
    return inserted;
  }

  async get(id: string): Promise<Person | undefined> {
    const document = await this.people.findById(id).lean<PersonDocument>();
    return document ? asPerson(document) : undefined;
  }

  async save(person: Person): Promise<Person> {
    if (!(await this.people.exists({ _id: person.id })))
      throw new DomainError('notFound', { person: person.id });
    const saved = { ...person, version: (person.version ?? 0) + 1 };
    const claimed = await this.claim(person);
    try {
      await this.versions.save(asDocument(saved));
    } catch (error) {
      await this.identities.deleteMany({ _id: { $in: claimed }, personId: person.id });
      if (error instanceof StaleVersionError) throw new ConcurrentPersonChangeError(person.id);
      if (error instanceof MissingDocumentError) throw new DomainError('notFound', { person: person.id });
      throw error;
    }
    await this.identities.deleteMany({
      personId: person.id,
      _id: { $nin: person.identities.map(identityKey) },
    });
    return saved;
  }

  async findByIdentity(channel: Channel, externalId: string): Promise<Person | undefined> {
    const identity = { channel, externalId };
    const claim = await this.identities.findById(identityKey(identity)).lean<IdentityDocument>();
    if (!claim) return undefined;
    const person = await this.get(claim.personId);
    // A claim is only half of a write until the person lists the identity too.
    return hasIdentity(person, identity) ? person : undefined;
  }

  async findByEmail(email: string): Promise<Person[]> {
    const key = emailKey(email);
    if (!key) return [];
    // People stored before `emailKey` existed have none until their next save: they are compared here.
    const documents = await this.people
      .find({ $or: [{ emailKey: key }, { emailKey: { $exists: false }, email: { $exists: true } }] })
      .sort({ _id: 1 })
      .lean<PersonDocument[]>();
    return documents.filter((document) => document.email && emailKey(document.email) === key).map(asPerson);
  }

  async list(filter: { role?: Person['role']; organisationId?: string }): Promise<Person[]> {
    const query: QueryFilter<PersonDocument> = {};
    if (filter.role !== undefined) query.role = filter.role;
    if (filter.organisationId !== undefined) query.organisationId = filter.organisationId;
    const documents = await this.people.find(query).sort({ name: 1, _id: 1 }).lean<PersonDocument[]>();
    return documents.map(asPerson);
  }

  /** Claims each of the person's identities for them; returns the keys newly claimed. */
  private async claim(person: Person): Promise<string[]> {
    const claimed: string[] = [];
    const seen = new Set<string>();
    try {
      for (const identity of person.identities) {
        const key = identityKey(identity);
        if (seen.has(key)) continue;
        seen.add(key);
        if (await this.claimOne(person.id, identity)) claimed.push(key);
      }
    } catch (error) {
      await this.identities.deleteMany({ _id: { $in: claimed }, personId: person.id });
      throw error;
    }
    return claimed;
  }

  /** True when newly claimed, false when the person already held it. */
  private async claimOne(personId: string, identity: Identity): Promise<boolean> {
    const _id = identityKey(identity);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.identities.create({ _id, ...identity, personId, claimedAt: new Date() });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const holder = await this.identities.findById(_id).lean<IdentityDocument>();
      if (!holder) continue; // released meanwhile: try again
      if (holder.personId === personId) return false;
      const owner = await this.people.findById(holder.personId).lean<PersonDocument>();
      const abandoned =
        !hasIdentity(owner, identity) && Date.now() - holder.claimedAt.getTime() > ABANDONED_CLAIM_MS;
      if (!abandoned) throw new IdentityTakenError(identity.channel, identity.externalId, holder.personId);
      const { matchedCount } = await this.identities.replaceOne(
        { _id, personId: holder.personId, claimedAt: holder.claimedAt },
        { ...identity, personId, claimedAt: new Date() },
      );
      if (matchedCount === 1) return true;
    }
    throw new IdentityTakenError(identity.channel, identity.externalId, 'unknown');
  }
}
