import { describe, expect, it } from 'vitest';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { INBOUND_EVENT_RETENTION_MS } from '../../../src/store/mongo/inbound-log.ts';
import { useTestDatabase } from '../../support/database.ts';

const HOUR = 60 * 60 * 1000;

describe('MongoInboundLog', () => {
  const database = useTestDatabase('mongo_inbound');
  const store = () => createMongoStore(database());
  const events = () => database().db!.collection<{ _id: string; at: Date }>('inbound_events');

  it('marks an event handled once, by "<channel>:<event id>"; a second mark changes nothing', async () => {
    const { inbound } = store();
    const first = new Date('2026-11-16T09:00:00Z');
    expect(await inbound.handled('slack', 'Ev0001')).toBe(false);
    await inbound.record('slack', 'Ev0001', first);
    await inbound.record('slack', 'Ev0001', new Date('2026-11-16T09:05:00Z'));
    expect(await inbound.handled('slack', 'Ev0001')).toBe(true);
    expect(await events().find({ _id: 'slack:Ev0001' }).toArray()).toStrictEqual([
      { _id: 'slack:Ev0001', at: first },
    ]);
    expect(await inbound.handled('teams', 'Ev0001')).toBe(false);
    expect(await inbound.handled('slack', 'Ev0002')).toBe(false);
  });

  it('drops entries older than a week when pruned, and keeps the younger ones', async () => {
    const { inbound } = store();
    const start = new Date('2026-12-01T09:00:00Z');
    const later = (ms: number) => new Date(start.getTime() + ms);
    await inbound.record('web', 'old', start);
    await inbound.record('web', 'middle', later(3 * 24 * HOUR));
    await inbound.record('web', 'new', later(INBOUND_EVENT_RETENTION_MS + HOUR));
    expect(await inbound.handled('web', 'old')).toBe(true);
    await inbound.prune(later(INBOUND_EVENT_RETENTION_MS + HOUR));
    expect(await inbound.handled('web', 'old')).toBe(false);
    expect(await inbound.handled('web', 'middle')).toBe(true);
    expect(await inbound.handled('web', 'new')).toBe(true);
    expect(INBOUND_EVENT_RETENTION_MS).toBe(7 * 24 * HOUR);
  });

  it('declares the index the dropping uses, and the database accepts it', async () => {
    await store().ensureIndexes();
    const indexes = await events().indexes();
    expect(indexes.map((index) => index.key)).toContainEqual({ at: 1 });
  });
});
