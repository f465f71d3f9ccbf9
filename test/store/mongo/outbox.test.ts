import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';
import type { OutboxEntry } from '../../../src/app/ports.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';

const AT = new Date('2026-11-16T09:00:00Z');
const later = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);

function entry(ticketId: string): OutboxEntry {
  const message: OutgoingMessage = {
    id: `${ticketId}:v0#0:triage`,
    ticketId,
    recipient: { kind: 'triage' },
    audience: 'triage',
    kind: 'card',
    ticketVersion: 0,
    key: 'triageNew',
    locale: 'en',
    timeZone: 'Europe/Stockholm',
    params: { ticketId, title: 'Down', organisation: 'Acme', priority: 'P3', status: 'new' },
    buttons: [],
    event: { type: 'opened', at: AT } as OutgoingMessage['event'],
  };
  return {
    id: `${message.id}>chat`,
    channel: 'chat',
    address: { kind: 'triage', target: 'room' },
    message,
    attempts: 0,
    addedAt: AT,
  };
}

describe('MongoOutbox', () => {
  const database = useTestDatabase('mongo_outbox');
  const store = () => createMongoStore(database());
  const idsIn = async (collection: string) =>
    (await database().db!.collection(collection).find({}).toArray()).map((d) => String(d._id)).sort();

  it('keeps a retried entry due in the outbox, and moves one given up on out of it', async () => {
    const { outbox } = store();
    const [retried, givenUp] = [entry('SD-1'), entry('SD-2')];
    await outbox.add([retried, givenUp], AT);
    await outbox.failed(retried, 1, AT, later(1), 'chat is down');
    await outbox.failed(givenUp, 8, AT, undefined, 'chat is down');

    // What every delivery pass reads holds only what is pending.
    expect(await idsIn('outbox')).toEqual([retried.id]);
    expect(await idsIn('outbox_failed')).toEqual([givenUp.id]);
    expect((await outbox.due(later(60), 10)).map((e) => e.id)).toEqual([retried.id]);
    const failures = await outbox.failures(10);
    expect(failures.map((f) => [f.id, f.attempts, f.lastError, f.failedAt])).toEqual([
      [givenUp.id, 8, 'chat is down', AT],
    ]);
    expect(failures[0]!.message).toEqual(givenUp.message);
    expect(await outbox.backlog()).toEqual({ pending: 1, failed: 1, oldest: AT });
  });

  it('lists and counts once an entry whose move was cut short, and one an older version kept in the outbox', async () => {
    const { outbox } = store();
    const [cutShort, older] = [entry('SD-3'), entry('SD-4')];
    const before = (await outbox.backlog()).failed;
    await outbox.failed(cutShort, 8, later(2), undefined, 'gone');
    // Stopped after the copy, before the removal: given up in both places.
    const copy = await database()
      .db!.collection('outbox_failed')
      .findOne({ _id: cutShort.id as never });
    await database()
      .db!.collection('outbox')
      .insertOne({ ...copy! });
    // An older version kept given-up entries in the outbox, with `failedAt` and no `dueAt`.
    await database()
      .db!.collection('outbox')
      .insertOne({ ...copy!, _id: older.id as never, message: older.message, failedAt: later(3) });

    expect((await outbox.due(later(60), 10)).map((e) => e.id)).not.toContain(cutShort.id);
    const listed = (await outbox.failures(10)).map((f) => f.id);
    expect(listed.filter((id) => id === cutShort.id)).toHaveLength(1);
    expect(listed).toContain(older.id);
    expect((await outbox.backlog()).failed).toBe(before + 2);
  });
});
