import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../../src/domain/tickets/events.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { fullTicket, MONDAY, minutesAfter } from './fixtures.ts';

describe('MongoAuditLog', () => {
  const database = useTestDatabase('mongo_audit');

  it('reads back a ticket’s events as appended: Dates as Dates, no ids, absent stays absent', async () => {
    const { audit } = createMongoStore(database());
    const { events } = fullTicket('SD-1');
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThan(8);
    // Appended in the chunks a use case would (one change at a time).
    for (const event of events) await audit.append([event]);
    const read = await audit.forTicket('SD-1');
    expect(read).toStrictEqual(events.map(withoutUndefined));
    const reminder = read.find((event) => event.type === 'reminder');
    expect(reminder).toMatchObject({ clock: 'response', dueAt: expect.any(Date) });
    expect(reminder).not.toHaveProperty('actorId'); // the desk's own clock
    expect(read[0]).not.toHaveProperty('_id');
    expect(await audit.forTicket('SD-404')).toEqual([]);
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
    // Appended out of time order; the pair at minute 5 must keep its order (accepted before closed).
    await audit.append([event('work_started', 10)]);
    await audit.append([
      { type: 'accepted', ticketId: 'SD-2', actorId: 'p-1', at: at(5) },
      { type: 'closed', automatically: false, ticketId: 'SD-2', actorId: 'p-1', at: at(5) },
    ]);
    await audit.append([event('opened', 0)]);
    await audit.append([]);
    // Another ticket's events never show.
    await audit.append([{ ...event('opened', 1), ticketId: 'SD-3' }]);
    // Many at one instant, in one append.
    const same = Array.from({ length: 30 }, (_, n): TicketEvent => ({
      type: 'alert_repeated',
      count: n + 2,
      ticketId: 'SD-2',
      at: at(20),
    }));
    await audit.append(same);

    const read = await audit.forTicket('SD-2');
    expect(read.slice(0, 4).map((e) => e.type)).toEqual(['opened', 'accepted', 'closed', 'work_started']);
    expect(read.slice(4).map((e) => (e.type === 'alert_repeated' ? e.count : -1))).toEqual(
      same.map((_, n) => n + 2),
    );
  });

  it('is append-only: appending the same event twice keeps both', async () => {
    const { audit } = createMongoStore(database());
    const event: TicketEvent = { type: 'opened', ticketId: 'SD-4', at: MONDAY };
    await audit.append([event]);
    await audit.append([event]);
    expect(await audit.forTicket('SD-4')).toHaveLength(2);
  });
});

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
