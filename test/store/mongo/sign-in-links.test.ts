import { beforeAll, describe, expect, it } from 'vitest';
import { createMongoStore, type MongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';

const connection = useTestDatabase('sign_in_links');
let store: MongoStore;

beforeAll(async () => {
  store = createMongoStore(connection());
  await store.ensureIndexes();
});

const at = (iso: string) => new Date(iso);

describe('sign-in links in the store', () => {
  it('is used once; then, or once expired, says why not; an unknown hash writes nothing', async () => {
    const link = {
      tokenHash: 'a'.repeat(64),
      personId: 'p1',
      createdAt: at('2026-11-16T09:00:00Z'),
      expiresAt: at('2026-11-16T09:15:00Z'),
    };
    await store.signInLinks.add(link);
    await store.signInLinks.add({ ...link, tokenHash: 'b'.repeat(64) });
    expect(await store.signInLinks.use('a'.repeat(64), at('2026-11-16T09:05:00Z'))).toEqual({
      personId: 'p1',
    });
    expect(await store.signInLinks.use('a'.repeat(64), at('2026-11-16T09:06:00Z'))).toEqual({
      unusable: 'used',
    });
    expect(await store.signInLinks.use('b'.repeat(64), at('2026-11-16T09:15:00Z'))).toEqual({
      unusable: 'expired',
    });
    const uses = await connection().collection('sign_in_link_uses').countDocuments();
    expect(await store.signInLinks.use('c'.repeat(64), at('2026-11-16T09:05:00Z'))).toEqual({
      unusable: 'unknown',
    });
    expect(await connection().collection('sign_in_link_uses').countDocuments()).toBe(uses);
  });

  it('lets only the first use through when two passed the update together (FerretDB v1 runs it as a read then a write)', async () => {
    const tokenHash = 'd'.repeat(64);
    await store.signInLinks.add({
      tokenHash,
      personId: 'p2',
      createdAt: at('2026-11-16T09:00:00Z'),
      expiresAt: at('2026-11-16T09:15:00Z'),
    });
    // The other caller's claim, written between this one's update and its claim.
    await connection()
      .collection('sign_in_link_uses')
      .insertOne({
        _id: tokenHash as never,
        usedAt: at('2026-11-16T09:01:00Z'),
        expiresAt: at('2026-11-17T09:15:00Z'),
      });
    expect(await store.signInLinks.use(tokenHash, at('2026-11-16T09:01:00Z'))).toEqual({ unusable: 'used' });
  });

  it('counts requests per address and window', async () => {
    const start = at('2026-11-16T09:00:00Z');
    const end = at('2026-11-16T09:15:00Z');
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await store.signInAttempts.count('addr', start, end));
    expect(counts).toEqual([1, 2, 3]);
    expect(await store.signInAttempts.count('addr', end, at('2026-11-16T09:30:00Z'))).toBe(1);
    expect(await store.signInAttempts.count('other', start, end)).toBe(1);
  });
});
