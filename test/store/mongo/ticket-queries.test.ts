import { beforeAll, describe, expect, it } from 'vitest';
import type { TicketRepository } from '../../../src/app/ports.ts';
import { claim, resolve, startWork } from '../../../src/domain/tickets/lifecycle.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { contract, MONDAY, minutesAfter, newTicket } from './fixtures.ts';

describe('MongoTicketRepository: queries', () => {
  const database = useTestDatabase('mongo_ticket_queries');
  let tickets: TicketRepository;
  /** Every ticket as stored, by id. */
  const all = new Map<string, Ticket>();
  /** Ids of the stored tickets matching `keep`, newest first (as `list` orders them). */
  const expected = (keep: (ticket: Ticket) => boolean) =>
    [...all.values()]
      .filter(keep)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((ticket) => ticket.id);

  beforeAll(async () => {
    const store = createMongoStore(database());
    await store.ensureIndexes();
    tickets = store.tickets;
    // 60 tickets, one a minute, over two organisations, three priorities, two categories; some
    // claimed by agent-1 or agent-2, some in progress, some resolved.
    const made: Ticket[] = [];
    for (let n = 1; n <= 60; n++) {
      const at = minutesAfter(MONDAY, n);
      let ticket = newTicket(
        {
          id: `SD-${n}`,
          organisationId: n % 2 ? 'org-odd' : 'org-even',
          requesterId: `contact-${n % 3}`,
          category: n % 4 === 0 ? 'user_support' : 'incident',
          priority: ['P1', 'P2', 'P3'][n % 3]!,
        },
        at,
      );
      if (n % 5 === 1) ticket = claim(ticket, { actorId: 'agent-1', at }).ticket;
      if (n % 5 === 2)
        ticket = startWork(claim(ticket, { actorId: 'agent-2', at }).ticket, {
          actorId: 'agent-2',
          at,
        }).ticket;
      if (n % 5 === 3) ticket = resolve(ticket, contract, { actorId: 'agent-2', at }).ticket;
      made.push(ticket);
    }
    // Concurrently, out of order, so creation order is not insertion order.
    await Promise.all(made.reverse().map((ticket) => tickets.insert(ticket)));
    for (const ticket of made) all.set(ticket.id, ticket);
  });

  it('lists newest first, 50 by default, at most 200, at least 1', async () => {
    const list = await tickets.list({});
    expect(ids(list)).toEqual(expected(() => true).slice(0, 50));
    expect(await tickets.list({ limit: 500 })).toHaveLength(60);
    expect(await tickets.list({ limit: 7 })).toHaveLength(7);
    expect(await tickets.list({ limit: 0 })).toHaveLength(1);
  });

  it('filters by each field of TicketFilter, alone and combined', async () => {
    const cases: Array<[Parameters<TicketRepository['list']>[0], (ticket: Ticket) => boolean]> = [
      [{ organisationId: 'org-odd' }, (t) => t.organisationId === 'org-odd'],
      [{ assigneeId: 'agent-1' }, (t) => t.assigneeId === 'agent-1'],
      [{ requesterId: 'contact-2' }, (t) => t.requesterId === 'contact-2'],
      [{ statuses: ['claimed', 'in_progress'] }, (t) => t.status === 'claimed' || t.status === 'in_progress'],
      [{ statuses: [] }, () => false],
      [{ category: 'user_support' }, (t) => t.category === 'user_support'],
      [{ priority: 'P1' }, (t) => t.priority === 'P1'],
      [
        { responseDueBefore: minutesAfter(MONDAY, 2 * 60 + 20) },
        (t) => t.sla.responseDue < minutesAfter(MONDAY, 2 * 60 + 20),
      ],
      [{ createdBefore: minutesAfter(MONDAY, 10) }, (t) => t.createdAt < minutesAfter(MONDAY, 10)],
      [
        { organisationId: 'org-even', statuses: ['new'], priority: 'P3' },
        (t) => t.organisationId === 'org-even' && t.status === 'new' && t.priority === 'P3',
      ],
      [
        { assigneeId: 'agent-2', statuses: ['in_progress'], category: 'incident' },
        (t) => t.assigneeId === 'agent-2' && t.status === 'in_progress' && t.category === 'incident',
      ],
    ];
    for (const [filter, keep] of cases) {
      const want = expected(keep).slice(0, 50);
      expect(ids(await tickets.list(filter)), JSON.stringify(filter)).toEqual(want);
    }
    // The due-soon case really selects a part, not all or nothing.
    const dueSoon = await tickets.list({ responseDueBefore: minutesAfter(MONDAY, 2 * 60 + 20) });
    expect(dueSoon.length).toBeGreaterThan(0);
    expect(dueSoon.length).toBeLessThan(60);
  });

  it('pages with createdBefore until every ticket was seen once', async () => {
    const seen: string[] = [];
    let page = await tickets.list({ organisationId: 'org-odd', limit: 8 });
    while (page.length > 0) {
      seen.push(...ids(page));
      page = await tickets.list({
        organisationId: 'org-odd',
        limit: 8,
        createdBefore: page.at(-1)!.createdAt,
      });
    }
    expect(seen).toEqual(expected((t) => t.organisationId === 'org-odd'));
    expect(seen).toHaveLength(30);
  });

  it('returns lists of plain domain tickets', async () => {
    const [first] = await tickets.list({ limit: 1 });
    expect(first).toStrictEqual(JSON.parse(JSON.stringify(all.get(first!.id)!), revive));
  });
});

describe('MongoTicketRepository: alert lookup', () => {
  const database = useTestDatabase('mongo_ticket_alerts');

  it('finds the open incident of an alert key, never a resolved or closed one, nor another organisation’s', async () => {
    const { tickets } = createMongoStore(database());
    const alert = (id: string, organisationId: string, at: Date) =>
      newTicket({ id, organisationId, requesterId: undefined, alertKey: 'disk-full:db1' }, at);

    expect(await tickets.findOpenByAlertKey('org-1', 'disk-full:db1')).toBeUndefined();
    // An earlier one, resolved; another organisation's, open.
    const old = alert('SD-1', 'org-1', MONDAY);
    await tickets.insert(resolve(old, contract, { actorId: 'agent-1', at: minutesAfter(MONDAY, 5) }).ticket);
    await tickets.insert(alert('SD-2', 'org-2', minutesAfter(MONDAY, 6)));
    expect(await tickets.findOpenByAlertKey('org-1', 'disk-full:db1')).toBeUndefined();

    for (const [n, status] of [
      [3, 'new'],
      [4, 'claimed'],
      [5, 'in_progress'],
      [6, 'waiting_on_customer'],
    ] as const) {
      const id = `SD-${n}`;
      await tickets.insert({ ...alert(id, 'org-1', minutesAfter(MONDAY, 10 * n)), status });
      const found = await tickets.findOpenByAlertKey('org-1', 'disk-full:db1');
      expect(found?.id).toBe(id);
      expect(found).toMatchObject({ alertKey: 'disk-full:db1', alertCount: 1, status });
      expect(found).not.toHaveProperty('requesterId');
      await database()
        .db!.collection('tickets')
        .updateOne({ _id: id as never }, { $set: { status: 'closed' } });
    }
    expect(await tickets.findOpenByAlertKey('org-1', 'disk-full:db1')).toBeUndefined();
    expect((await tickets.findOpenByAlertKey('org-2', 'disk-full:db1'))?.id).toBe('SD-2');
    expect(await tickets.findOpenByAlertKey('org-2', 'other')).toBeUndefined();
  });
});

describe('MongoTicketRepository: auto-close', () => {
  const database = useTestDatabase('mongo_ticket_auto_close');

  it('lists resolved tickets whose autoCloseAt has come, oldest deadline first, up to the limit', async () => {
    const { tickets } = createMongoStore(database());
    const resolvedAt = (id: string, autoCloseAt: Date, status: Ticket['status'] = 'resolved') => {
      const resolved = resolve(newTicket({ id }), contract, { actorId: 'agent-1', at: MONDAY }).ticket;
      return tickets.insert({ ...resolved, status, autoCloseAt });
    };
    const now = new Date('2025-03-20T12:00:00Z');
    await resolvedAt('SD-10', new Date('2025-03-20T11:00:00Z'));
    await resolvedAt('SD-11', new Date('2025-03-20T12:00:00Z')); // exactly now: due
    await resolvedAt('SD-12', new Date('2025-03-20T12:00:00.001Z')); // a millisecond later: not yet
    await resolvedAt('SD-13', new Date('2025-03-18T08:00:00Z'));
    await resolvedAt('SD-14', new Date('2025-03-01T08:00:00Z'), 'in_progress'); // reopened, stale field
    await tickets.insert(newTicket({ id: 'SD-15' })); // open, no autoCloseAt

    expect(ids(await tickets.dueForAutoClose(now, 10))).toEqual(['SD-13', 'SD-10', 'SD-11']);
    expect(ids(await tickets.dueForAutoClose(now, 2))).toEqual(['SD-13', 'SD-10']);
    expect(await tickets.dueForAutoClose(new Date('2025-03-01T00:00:00Z'), 10)).toEqual([]);
  });
});

const ids = (list: Ticket[]) => list.map((ticket) => ticket.id);

const revive = (key: string, value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)
    ? new Date(value)
    : value;
