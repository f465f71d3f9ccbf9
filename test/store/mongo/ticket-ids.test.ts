import { describe, expect, it } from 'vitest';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';

const byNumber = (a: string, b: string) => Number(a.split('-')[1]) - Number(b.split('-')[1]);

describe('MongoTicketIds', () => {
  const database = useTestDatabase('mongo_ticket_ids');

  it('hands out SD-<n> ids in order from one counter', async () => {
    const { ids } = createMongoStore(database());
    expect([await ids.nextTicketId(), await ids.nextTicketId(), await ids.nextTicketId()]).toEqual([
      'SD-1',
      'SD-2',
      'SD-3',
    ]);
  });

  it('gives 50 parallel callers 50 distinct ids, all recorded as issued', async () => {
    const { ids } = createMongoStore(database(), { ticketPrefix: 'PAR' });
    const issued = await Promise.all(Array.from({ length: 50 }, () => ids.nextTicketId()));
    expect(new Set(issued).size).toBe(50);
    expect([...issued].sort(byNumber)).toEqual(Array.from({ length: 50 }, (_, n) => `PAR-${n + 1}`));
    const recorded = await database()
      .db!.collection('ticket_ids')
      .countDocuments({ _id: { $in: issued as never[] } });
    expect(recorded).toBe(50);
  });

  it('gives distinct ids to 50 parallel callers spread over 10 stores (separate processes)', async () => {
    const stores = Array.from({ length: 10 }, () => createMongoStore(database(), { ticketPrefix: 'MULTI' }));
    const issued = await Promise.all(
      Array.from({ length: 50 }, (_, n) => stores[n % 10]!.ids.nextTicketId()),
    );
    expect(new Set(issued).size).toBe(50);
    for (const id of issued) expect(id).toMatch(/^MULTI-\d+$/);
    const recorded = await database()
      .db!.collection('ticket_ids')
      .countDocuments({ _id: { $in: issued as never[] } });
    expect(recorded).toBe(50);
  });

  it('never reuses an id, even when the counter is lost or set back', async () => {
    const { ids } = createMongoStore(database(), { ticketPrefix: 'RE' });
    const before = [await ids.nextTicketId(), await ids.nextTicketId()];
    expect(before).toEqual(['RE-1', 'RE-2']);
    await database()
      .db!.collection('counters')
      .deleteOne({ _id: 'ticket:RE' as never });
    expect(await ids.nextTicketId()).toBe('RE-3');
  });

  it('keeps a counter per prefix and rejects a prefix that could not be an id', async () => {
    const { ids } = createMongoStore(database(), { ticketPrefix: 'HD' });
    expect(await ids.nextTicketId()).toBe('HD-1');
    expect(() => createMongoStore(database(), { ticketPrefix: 'S D' })).toThrow(/prefix/);
    expect(() => createMongoStore(database(), { ticketPrefix: '' })).toThrow(/prefix/);
  });

  it('makes distinct opaque ids', () => {
    const { ids } = createMongoStore(database());
    const made = new Set(Array.from({ length: 1000 }, () => ids.newId()));
    expect(made.size).toBe(1000);
  });
});
