import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../../src/domain/tickets/events.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { fullTicket, MONDAY, minutesAfter } from './fixtures.ts';

describe('MongoAuditLog', () => {
  const database = useTestDatabase('mongo_audit');

  /** A committed change as the ticket repository stores it: its revision, with the events. */
  const commitEvents = (ticketId: string, version: number, events: TicketEvent[]) =>
    database()
      .db!.collection('ticket_revisions')
      .insertOne({
        _id: `${ticketId}@${version}` as never,
        of: ticketId,
        version,
        effects: { events: events.map(withoutUndefined), notices: [] },
        claimedAt: new Date(),
      });

  it('reads back a ticket’s events as committed: Dates as Dates, no ids, absent stays absent', async () => {
    const { audit } = createMongoStore(database());
    const { events } = fullTicket('SD-1');
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThan(8);
    // Appended in the chunks a use case would: one change, one version, at a time.
    for (const [version, event] of events.entries()) await commitEvents('SD-1', version, [event]);
    const read = await audit.forTicket({ id: 'SD-1', version: events.length - 1 });
    expect(read).toStrictEqual(events.map(withoutUndefined));
    const reminder = read.find((event) => event.type === 'reminder');
    expect(reminder).toMatchObject({ clock: 'response', dueAt: expect.any(Date) });
    expect(reminder).not.toHaveProperty('actorId'); // the desk's own clock
    expect(read[0]).not.toHaveProperty('_id');
    expect(await audit.forTicket({ id: 'SD-404', version: 3 })).toEqual([]);
  });

  it('reads only the versions up to the one asked for', async () => {
    const { audit } = createMongoStore(database());
    const { events } = fullTicket('SD-6');
    for (const [version, event] of events.entries()) await commitEvents('SD-6', version, [event]);
    expect(await audit.forTicket({ id: 'SD-6', version: 2 })).toStrictEqual(
      events.slice(0, 3).map(withoutUndefined),
    );
  });

  it('orders by time, then by append order for events at the same instant', async () => {
    const { audit } = createMongoStore(database());
    const at = (minutes: number) => minutesAfter(MONDAY, minutes);
    const event = (
      type: 'accepted' | 'resumed' | 'work_started' | 'opened',
      minutes: number,
    ): TicketEvent => ({
      type,
      ticketId: 'SD-2',
      actorId: 'p-1',
      at: at(minutes),
    });
    // Versions out of time order; the pair at minute 5 must keep its order (accepted before closed).
    await commitEvents('SD-2', 1, [event('work_started', 10)]);
    await commitEvents('SD-2', 2, [
      { type: 'accepted', ticketId: 'SD-2', actorId: 'p-1', at: at(5) },
      { type: 'closed', automatically: false, ticketId: 'SD-2', actorId: 'p-1', at: at(5) },
    ]);
    await commitEvents('SD-2', 0, [event('opened', 0)]);
    await commitEvents('SD-2', 3, []);
    // Another ticket's events never show.
    await commitEvents('SD-3', 0, [{ ...event('opened', 1), ticketId: 'SD-3' }]);
    // Many at one instant, in one append.
    const same = Array.from({ length: 30 }, (_, n): TicketEvent => ({
      type: 'alert_repeated',
      count: n + 2,
      ticketId: 'SD-2',
      at: at(20),
    }));
    await commitEvents('SD-2', 4, same);

    const read = await audit.forTicket({ id: 'SD-2', version: 4 });
    expect(read.slice(0, 4).map((e) => e.type)).toEqual(['opened', 'accepted', 'closed', 'work_started']);
    expect(read.slice(4).map((e) => (e.type === 'alert_repeated' ? e.count : -1))).toEqual(
      same.map((_, n) => n + 2),
    );
  });

  it('reads a long history in batches (an alert storm: hundreds of versions)', async () => {
    const { audit } = createMongoStore(database());
    const versions = 450;
    for (let version = 0; version < versions; version += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          commitEvents('SD-5', version + i, [
            { type: 'alert_repeated', count: version + i, ticketId: 'SD-5', at: MONDAY },
          ]),
        ),
      );
    }
    const read = await audit.forTicket({ id: 'SD-5', version: versions - 1 });
    expect(read.map((e) => (e.type === 'alert_repeated' ? e.count : -1))).toEqual(
      Array.from({ length: versions }, (_, n) => n),
    );
  });
});

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
