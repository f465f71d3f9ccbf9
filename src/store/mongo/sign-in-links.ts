import { Schema, type Connection, type Model } from 'mongoose';
import type { SignInAttempts, SignInLink, SignInLinks, UnusableLink } from '../../app/ports.ts';
import { insertOnce, isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/** `sign_in_links`: a link by its token's SHA-256 (`_id`), never the token itself. */
interface LinkDocument {
  _id: string;
  personId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
  /** A day past `expiresAt`: the TTL index's date, so a late click still hears "expired". */
  keptUntil: Date;
}

/**
 * `sign_in_link_uses`: one document per used link, `_id` the link's hash. The unique `_id` insert
 * is the guard both servers enforce atomically; MongoDB's `findOneAndUpdate` alone would do, but
 * FerretDB v1 runs it as a read then a write, so two uses at once could both pass it.
 */
interface UseDocument {
  _id: string;
  usedAt: Date;
  expiresAt: Date;
}

/** `sign_in_attempts`: requests per address digest and window, `_id` "<digest>@<window start ms>". */
interface AttemptDocument {
  _id: string;
  count: number;
  expiresAt: Date;
}

const linkSchema = new Schema<LinkDocument>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
    keptUntil: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'sign_in_links' },
);
const useSchema = new Schema<UseDocument>(
  {
    _id: { type: String, required: true },
    usedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'sign_in_link_uses' },
);
const attemptSchema = new Schema<AttemptDocument>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...SCHEMA_OPTIONS, collection: 'sign_in_attempts' },
);

// Old documents go by themselves on MongoDB (TTL indexes); FerretDB v1 refuses TTL indexes, gets
// plain ones (see `ensureIndexes`), and both are pruned here as well.
linkSchema.index({ keptUntil: 1 }, { expireAfterSeconds: 0 });
useSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
attemptSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const signInLinkModel = (connection: Connection): Model<LinkDocument> =>
  modelOn(connection, 'SignInLink', linkSchema, 'sign_in_links');
export const signInLinkUseModel = (connection: Connection): Model<UseDocument> =>
  modelOn(connection, 'SignInLinkUse', useSchema, 'sign_in_link_uses');
export const signInAttemptModel = (connection: Connection): Model<AttemptDocument> =>
  modelOn(connection, 'SignInAttempt', attemptSchema, 'sign_in_attempts');

/** How long a used or expired link is kept, to tell "used" and "expired" from "unknown". */
const KEPT_AFTER_EXPIRY_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export class MongoSignInLinks implements SignInLinks {
  private readonly links: Model<LinkDocument>;
  private readonly uses: Model<UseDocument>;
  private prunedAt: number | undefined;

  constructor(connection: Connection) {
    this.links = signInLinkModel(connection);
    this.uses = signInLinkUseModel(connection);
  }

  async add(link: SignInLink): Promise<void> {
    await this.prune(link.createdAt);
    const keptUntil = new Date(link.expiresAt.getTime() + KEPT_AFTER_EXPIRY_MS);
    await this.links.create({
      _id: link.tokenHash,
      personId: link.personId,
      createdAt: link.createdAt,
      expiresAt: link.expiresAt,
      keptUntil,
    });
  }

  async use(tokenHash: string, now: Date): Promise<{ personId: string } | { unusable: UnusableLink }> {
    const taken = await this.links
      .findOneAndUpdate(
        { _id: tokenHash, usedAt: { $exists: false }, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
        { returnDocument: 'before' },
      )
      .lean<LinkDocument>();
    if (taken) {
      const expiresAt = new Date(taken.expiresAt.getTime() + KEPT_AFTER_EXPIRY_MS);
      if (await insertOnce(this.uses, { _id: tokenHash, usedAt: now, expiresAt })) {
        return { personId: taken.personId };
      }
      return { unusable: 'used' };
    }
    const link = await this.links.findById(tokenHash).lean<LinkDocument>();
    if (!link) return { unusable: 'unknown' };
    return { unusable: link.usedAt ? 'used' : 'expired' };
  }

  /** At most once an hour per process; what a TTL index does on MongoDB, on both servers. */
  private async prune(now: Date): Promise<void> {
    if (this.prunedAt !== undefined && Math.abs(now.getTime() - this.prunedAt) < PRUNE_EVERY_MS) return;
    this.prunedAt = now.getTime();
    await this.links.deleteMany({ keptUntil: { $lt: now } });
    await this.uses.deleteMany({ expiresAt: { $lt: now } });
  }
}

export class MongoSignInAttempts implements SignInAttempts {
  private readonly attempts: Model<AttemptDocument>;
  private prunedAt: number | undefined;

  constructor(connection: Connection) {
    this.attempts = signInAttemptModel(connection);
  }

  async count(addressKey: string, windowStart: Date, windowEnd: Date): Promise<number> {
    if (this.prunedAt === undefined || Math.abs(windowStart.getTime() - this.prunedAt) >= PRUNE_EVERY_MS) {
      this.prunedAt = windowStart.getTime();
      await this.attempts.deleteMany({ expiresAt: { $lt: windowStart } });
    }
    const _id = `${addressKey}@${windowStart.getTime()}`;
    // FerretDB v1 runs an upsert as a read then a write: two first requests at once can meet on the
    // insert; the loser counts again. A lost increment there lets one request more through, no harm.
    for (let attempt = 0; ; attempt++) {
      try {
        const counted = await this.attempts
          .findOneAndUpdate(
            { _id },
            { $inc: { count: 1 }, $setOnInsert: { expiresAt: windowEnd } },
            { upsert: true, returnDocument: 'after' },
          )
          .lean<AttemptDocument>();
        return counted?.count ?? 1;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= 2) throw error;
      }
    }
  }
}
