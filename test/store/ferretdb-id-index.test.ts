import { MongoClient, ObjectId, type Collection, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const binary = inject('ferretDbBinary');

/** What the embedded FerretDB says SQLite did for a find: its plan lines, and whether it pushed the filter down. */
async function plan(
  collection: Collection<Document>,
  filter: Document,
): Promise<{ plan: string; pushdown: unknown }> {
  const explained = await collection.find(filter).explain();
  return { plan: JSON.stringify(explained.queryPlanner), pushdown: explained.filterPushdown };
}

// The build patches of src/store/ferretdb-patches.ts, seen from outside: which SQL plan FerretDB runs.
describe.skipIf(binary === null)('the embedded FerretDB build: lookups by _id use the _id index', () => {
  const client = new MongoClient(inject('mongoUri'));
  let docs: Collection<Document>;
  let jobs: Collection<Document>;
  const jobIds = Array.from({ length: 40 }, () => new ObjectId());

  beforeAll(async () => {
    const db = client.db(`ferretdb_id_index_${Date.now().toString(36)}`);
    docs = db.collection('docs');
    jobs = db.collection('jobs');
    await docs.insertMany(
      Array.from({ length: 300 }, (_, n) => ({ _id: `SD-${n}` as never, n, even: n % 2 === 0 })),
    );
    await jobs.insertMany(jobIds.map((_id, n) => ({ _id, n })));
  });
  afterAll(async () => {
    await client.db(docs.dbName).dropDatabase();
    await client.close();
  });

  it('searches the index for {_id}, {_id, …} with other conditions, $eq and $in, strings and ObjectIds', async () => {
    const indexed: Array<[Collection<Document>, Document]> = [
      [docs, { _id: 'SD-7' }],
      [docs, { _id: 'SD-7', n: 7 }],
      [docs, { _id: { $eq: 'SD-8' }, even: true }],
      [docs, { _id: { $in: ['SD-1', 'SD-2', 'SD-299'] } }],
      [jobs, { _id: jobIds[3], n: { $gte: 0 }, $or: [{ n: 3 }, { n: 4 }] }],
      [jobs, { _id: { $in: jobIds.slice(0, 5) } }],
    ];
    for (const [collection, filter] of indexed) {
      const { plan: sql, pushdown } = await plan(collection, filter);
      expect(sql, JSON.stringify(filter)).toMatch(/SEARCH .* USING INDEX .*__id_/);
      expect(pushdown, JSON.stringify(filter)).toBe(true);
    }
  });

  it('still scans what it cannot push down, and answers every filter as before', async () => {
    for (const filter of [
      { n: 7 },
      { _id: { $gt: 'SD-5' } },
      { _id: { $in: ['SD-1', 7] } },
      { $and: [{ _id: 'SD-1' }] },
    ]) {
      expect((await plan(docs, filter)).plan, JSON.stringify(filter)).toMatch(/SCAN/);
    }
    const ids = async (filter: Document) =>
      (await docs.find(filter).toArray()).map((doc) => String(doc._id)).sort();
    expect(await ids({ _id: 'SD-7', n: 7 })).toEqual(['SD-7']);
    expect(await ids({ _id: 'SD-7', n: 8 })).toEqual([]);
    expect(await ids({ _id: { $eq: 'SD-8' }, even: false })).toEqual([]);
    expect(await ids({ _id: { $in: ['SD-1', 'SD-2', 'SD-404'] }, even: true })).toEqual(['SD-2']);
    expect(await ids({ _id: { $in: ['SD-1', 7] } })).toEqual(['SD-1']);
    expect(await ids({ _id: { $in: Array.from({ length: 600 }, (_, n) => `SD-${n}`) } })).toHaveLength(300);
    expect(await jobs.countDocuments({ _id: jobIds[3], n: 3 })).toBe(1);
    // Updates and deletes go through the same lookup.
    expect(
      (await docs.updateOne({ _id: 'SD-9', n: 9 } as never, { $set: { seen: true } })).modifiedCount,
    ).toBe(1);
    expect(
      (await docs.updateOne({ _id: 'SD-9', n: 10 } as never, { $set: { seen: false } })).modifiedCount,
    ).toBe(0);
    expect((await docs.deleteOne({ _id: 'SD-10', even: false } as never)).deletedCount).toBe(0);
    expect((await docs.deleteOne({ _id: 'SD-10', even: true } as never)).deletedCount).toBe(1);
    expect(await docs.findOne({ _id: 'SD-9' as never })).toMatchObject({ seen: true });
  });
});
