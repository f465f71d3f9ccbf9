import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ApiKey, ApiKeyRepository, ApiKeyScope } from '../../app/ports.ts';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

/** `api_keys`: `_id` is the key's public id; the secret part is kept only as a SHA-256 hash. */
interface ApiKeyDocument {
  _id: string;
  hash: string;
  scope: ApiKeyScope['kind'];
  organisationId?: string;
  label?: string;
  createdAt: Date;
  revokedAt?: Date;
}

const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true },
    scope: { type: String, enum: ['admin', 'organisation'], required: true },
    organisationId: String,
    label: String,
    createdAt: { type: Date, required: true },
    revokedAt: Date,
  },
  { ...SCHEMA_OPTIONS, collection: 'api_keys' },
);

// Listing an organisation's keys.
apiKeySchema.index({ organisationId: 1, createdAt: 1 });

export function apiKeyModel(connection: Connection): Model<ApiKeyDocument> {
  return modelOn(connection, 'ApiKey', apiKeySchema, 'api_keys');
}

// 256 random bits: a plain SHA-256 is then as good as a slow password hash, and fast per request.
const SECRET_BYTES = 32;
const ID_BYTES = 6;
const KEY_FORMAT = /^sdk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const CREATE_ATTEMPTS = 3;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function toApiKey(document: ApiKeyDocument): ApiKey {
  const { _id, hash: _hash, scope, organisationId, ...rest } = withoutNulls(document);
  const keyScope: ApiKeyScope =
    scope === 'organisation'
      ? { kind: 'organisation', organisationId: organisationId ?? '' }
      : { kind: 'admin' };
  return { id: _id, scope: keyScope, ...rest };
}

/** API keys stored hashed (SHA-256 of the whole key), looked up by the public id inside the key. */
export class MongoApiKeyRepository implements ApiKeyRepository {
  private readonly keys: Model<ApiKeyDocument>;

  constructor(connection: Connection) {
    this.keys = apiKeyModel(connection);
  }

  async create(scope: ApiKeyScope, label?: string): Promise<{ key: string; apiKey: ApiKey }> {
    for (let attempt = 1; ; attempt++) {
      const id = randomBytes(ID_BYTES).toString('hex');
      const key = `sdk_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
      const document: ApiKeyDocument = withoutUndefined({
        _id: id,
        hash: sha256(key).toString('hex'),
        scope: scope.kind,
        organisationId: scope.kind === 'organisation' ? scope.organisationId : undefined,
        label,
        createdAt: new Date(),
      });
      try {
        await this.keys.create(document);
        return { key, apiKey: toApiKey(document) };
      } catch (error) {
        // Two ids colliding in 48 random bits: draw again.
        if (!isDuplicateKeyError(error) || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  async verify(presented: string): Promise<ApiKey | undefined> {
    const id = KEY_FORMAT.exec(presented)?.[1];
    if (!id) return undefined;
    const document = await this.keys.findById(id).lean<ApiKeyDocument>();
    if (!document || document.revokedAt) return undefined;
    const stored = Buffer.from(document.hash, 'hex');
    const given = sha256(presented);
    return stored.length === given.length && timingSafeEqual(stored, given) ? toApiKey(document) : undefined;
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.keys.updateOne(
      { _id: id, revokedAt: { $exists: false } },
      { $set: { revokedAt: new Date() } },
    );
    return result.modifiedCount > 0;
  }

  async list(filter: { organisationId?: string } = {}): Promise<ApiKey[]> {
    const query = filter.organisationId === undefined ? {} : { organisationId: filter.organisationId };
    const documents = await this.keys.find(query).sort({ createdAt: 1, _id: 1 }).lean<ApiKeyDocument[]>();
    return documents.map(toApiKey);
  }
}
