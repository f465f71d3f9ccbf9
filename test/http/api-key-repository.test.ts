import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyRepository } from '../../src/app/ports.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { useTestDatabase } from '../support/database.ts';

describe('MongoApiKeyRepository', () => {
  const connection = useTestDatabase('api_keys');
  let keys: ApiKeyRepository;

  beforeAll(async () => {
    const store = createMongoStore(connection());
    await store.ensureIndexes();
    keys = store.apiKeys;
  });

  it('gives the key once and keeps only its hash', async () => {
    const { key, apiKey } = await keys.create(
      { kind: 'organisation', organisationId: 'org-1' },
      'monitoring',
    );
    expect(key).toMatch(/^sdk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`sdk_${apiKey.id}_`)).toBe(true);
    expect(apiKey).toMatchObject({
      scope: { kind: 'organisation', organisationId: 'org-1' },
      label: 'monitoring',
    });

    const stored = await connection()
      .db!.collection('api_keys')
      .findOne({ _id: apiKey.id as never });
    const secret = key.split('_').slice(2).join('_');
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored?.hash).toBe(createHash('sha256').update(key).digest('hex'));
  });

  it('verifies the right key only', async () => {
    const { key, apiKey } = await keys.create({ kind: 'admin' });
    expect(await keys.verify(key)).toEqual(apiKey);
    const wrongSecret = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await keys.verify(wrongSecret)).toBeUndefined();
    expect(await keys.verify('sdk_000000000000_' + 'A'.repeat(43))).toBeUndefined();
    expect(await keys.verify('not a key')).toBeUndefined();
    expect(await keys.verify('')).toBeUndefined();
  });

  it('revokes a key at once, and only once', async () => {
    const { key, apiKey } = await keys.create({ kind: 'organisation', organisationId: 'org-2' });
    expect(await keys.revoke(apiKey.id)).toBe(true);
    expect(await keys.verify(key)).toBeUndefined();
    expect(await keys.revoke(apiKey.id)).toBe(false);
    expect(await keys.revoke('unknown')).toBe(false);
    const [listed] = await keys.list({ organisationId: 'org-2' });
    expect(listed?.revokedAt).toBeInstanceOf(Date);
  });

  it("lists an organisation's keys without their secrets", async () => {
    await keys.create({ kind: 'organisation', organisationId: 'org-3' }, 'first');
    await keys.create({ kind: 'organisation', organisationId: 'org-3' }, 'second');
    const listed = await keys.list({ organisationId: 'org-3' });
    expect(listed.map((key) => key.label)).toEqual(['first', 'second']);
    for (const key of listed) expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'label', 'scope']);
    expect((await keys.list()).length).toBeGreaterThanOrEqual(5);
  });
});
