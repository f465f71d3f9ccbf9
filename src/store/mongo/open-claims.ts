import { Schema, type Connection, type Model } from 'mongoose';
import type { OpenClaim, OpenClaims } from '../../app/ports.ts';
import { insertOnce, isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutNulls } from './plain.ts';

/**
 * `open_claims`: `_id` is the caller's key and the claim's generation ("alert:o-1:disk#0"). A claim
 * is a unique `_id` insert, atomic on MongoDB and FerretDB alike; only its holder writes it
 * afterwards (to bind its ticket), so FerretDB's non-atomic updates cannot lose anything, and
 * nothing is ever deleted (a later generation takes over instead).
 */
interface OpenClaimDocument {
  _id: string;
  key: string;
  generation: number;
  token: string;
  ticketId?: string;
  since: Date;
  fingerprint?: string;
}

const openClaimSchema = new Schema<OpenClaimDocument>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    generation: { type: Number, required: true },
    token: { type: String, required: true },
    ticketId: String,
    since: { type: Date, required: true },
    fingerprint: String,
  },
  { ...SCHEMA_OPTIONS, collection: 'open_claims' },
);

/** `open_results`: the ticket each key opens, `_id` the key, a unique insert (first named wins). */
interface OpenResultDocument {
  _id: string;
  ticketId: string;
}

const openResultSchema = new Schema<OpenResultDocument>(
  { _id: { type: String, required: true }, ticketId: { type: String, required: true } },
  { ...SCHEMA_OPTIONS, collection: 'open_results' },
);

export function openResultModel(connection: Connection): Model<OpenResultDocument> {
  return modelOn(connection, 'OpenResult', openResultSchema, 'open_results');
}

export function openClaimModel(connection: Connection): Model<OpenClaimDocument> {
  return modelOn(connection, 'OpenClaim', openClaimSchema, 'open_claims');
}

const claimId = (key: string, generation: number): string => `${key}#${generation}`;
const asClaim = ({ _id, key: _key, ...claim }: OpenClaimDocument): OpenClaim => withoutNulls(claim);
/** Generations looked up per read when finding the latest (an `$in` the embedded database serves by `_id`). */
const WINDOW = 50;

export class MongoOpenClaims implements OpenClaims {
  private readonly claims: Model<OpenClaimDocument>;

  private readonly results: Model<OpenResultDocument>;

  constructor(connection: Connection) {
    this.claims = openClaimModel(connection);
    this.results = openResultModel(connection);
  }

  async latest(key: string): Promise<OpenClaim | undefined> {
    let latest: OpenClaimDocument | undefined;
    for (let from = 0; ; from += WINDOW) {
      const ids = Array.from({ length: WINDOW }, (_, i) => claimId(key, from + i));
      const found = await this.claims.find({ _id: { $in: ids } }).lean<OpenClaimDocument[]>();
      for (const claim of found) if (!latest || claim.generation > latest.generation) latest = claim;
      if (found.length < WINDOW) return latest ? asClaim(latest) : undefined;
    }
  }

  async claim(
    key: string,
    generation: number,
    token: string,
    at: Date,
    fingerprint?: string,
  ): Promise<OpenClaim> {
    const claim = { key, generation, token, since: at, ...(fingerprint ? { fingerprint } : {}) };
    try {
      await this.claims.create({ _id: claimId(key, generation), ...claim });
      return asClaim({ _id: claimId(key, generation), ...claim });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const holder = await this.claims.findById(claimId(key, generation)).lean<OpenClaimDocument>();
    if (!holder) throw new Error(`open claim ${claimId(key, generation)} refused but not found`);
    return asClaim(holder);
  }

  async settle(key: string, ticketId: string): Promise<string> {
    if (await insertOnce(this.results, { _id: key, ticketId })) return ticketId;
    const settled = await this.results.findById(key).lean<OpenResultDocument>();
    if (!settled) throw new Error(`open result ${key} refused but not found`);
    return settled.ticketId;
  }

  async bind(key: string, generation: number, token: string, ticketId: string): Promise<void> {
    await this.claims.updateOne({ _id: claimId(key, generation), token }, { $set: { ticketId } });
  }
}
