import { beforeAll, describe, expect, it } from 'vitest';
import {
  NO_EFFECTS,
  type TicketFilter,
  type TicketPage,
  type TicketRepository,
} from '../../../src/app/ports.ts';
import { DomainError } from '../../../src/domain/domain-error.ts';
import { accept as close, claim, resolve, startWork } from '../../../src/domain/tickets/lifecycle.ts';
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
    // claimed by agent-1 or agent-2, some in progress, some resolved, some closed. Their ids are
    // drawn as the desk draws them (SD-1 … SD-60, in creation order).
    const made: Ticket[] = [];
    for (let n = 1; n <= 60; n++) {
      const at = minutesAfter(MONDAY, n);
      let ticket = newTicket(
        {
          id: await store.ids.nextTicketId(),
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
      if (n % 10 === 4)
        ticket = close(resolve(ticket, contract, { actorId: 'agent-2', at }).ticket, {
          actorId: 'contact-1',
          at,
        }).ticket;
      made.push(ticket);
    }
    // One after another, as the desk registers them.
    for (const ticket of made) await tickets.insert(ticket, NO_EFFECTS);
    for (const ticket of made) all.set(ticket.id, { ...ticket, version: 0 });
  });

  it('lists newest first, 50 by default, at most 200, at least 1', async () => {
    const list = await tickets.list({});
    expect(ids(list)).toEqual(expected(() => true).slice(0, 50));
    expect(list.next).toBeDefined();
    const everything = await tickets.list({ limit: 500 });
    expect(everything.tickets).toHaveLength(60);
    expect(everything.next).toBeUndefined();
    expect((await tickets.list({ limit: 7 })).tickets).toHaveLength(7);
    expect((await tickets.list({ limit: 0 })).tickets).toHaveLength(1);
  });

  it('filters by each field of TicketFilter, alone and combined, on every kind of list', async () => {
    const cases: Array<[TicketFilter, (ticket: Ticket) => boolean]> = [
      [{ organisationId: 'org-odd' }, (t) => t.organisationId === 'org-odd'],
      [{ assigneeId: 'agent-1' }, (t) => t.assigneeId === 'agent-1'],
      [{ requesterId: 'contact-2' }, (t) => t.requesterId === 'contact-2'],
      [{ statuses: ['claimed', 'in_progress'] }, (t) => t.status === 'claimed' || t.status === 'in_progress'],
      [{ statuses: ['closed'] }, (t) => t.status === 'closed'],
      [{ statuses: ['resolved', 'closed'] }, (t) => t.status === 'resolved' || t.status === 'closed'],
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
        { organisationId: 'org-even', statuses: ['closed'] },
        (t) => t.organisationId === 'org-even' && t.status === 'closed',
      ],
      [
        { assigneeId: 'agent-2', statuses: ['in_progress'], category: 'incident' },
        (t) => t.assigneeId === 'agent-2' && t.status === 'in_progress' && t.category === 'incident',
      ],
    ];
    for (const [filter, keep] of cases) {
      const want = expected(keep).slice(0, 50);
      expect(ids(await tickets.list(filter)), JSON.stringify(filter)).toEqual(want);
      expect(want.length, JSON.stringify(filter)).toBeLessThan(60);
    }
    // The due-soon case really selects a part, not all or nothing.
    const dueSoon = await tickets.list({ responseDueBefore: minutesAfter(MONDAY, 2 * 60 + 20) });
    expect(dueSoon.tickets.length).toBeGreaterThan(0);
    expect(dueSoon.tickets.length).toBeLessThan(60);
  });

  it('pages with the cursor until every ticket was seen once, on every kind of list', async () => {
    const filters: Array<[TicketFilter, (ticket: Ticket) => boolean]> = [
      [{}, () => true],
      [{ organisationId: 'org-odd' }, (t) => t.organisationId === 'org-odd'],
      [
        { statuses: ['new', 'claimed', 'resolved'] },
        (t) => ['new', 'claimed', 'resolved'].includes(t.status),
      ],
      [{ priority: 'P2' }, (t) => t.priority === 'P2'],
    ];
    for (const [filter, keep] of filters) {
      const seen: string[] = [];
      let page: TicketPage = await tickets.list({ ...filter, limit: 8 });
      for (let pages = 1; ; pages++) {
        seen.push(...ids(page));
        if (!page.next) break;
        expect(pages, 'pages').toBeLessThan(20);
        page = await tickets.list({ ...filter, limit: 8, cursor: page.next });
      }
      expect(seen, JSON.stringify(filter)).toEqual(expected(keep));
    }
  });

  it('refuses a cursor of another list or of no list, naming it', async () => {
    const desk = (await tickets.list({ limit: 5 })).next!;
    const organisation = (await tickets.list({ organisationId: 'org-odd', limit: 5 })).next!;
    const queue = (await tickets.list({ statuses: ['new', 'claimed', 'in_progress', 'resolved'], limit: 5 }))
      .next!;
    const refusals: Array<[TicketFilter, string]> = [
      [{ organisationId: 'org-odd' }, desk],
      [{}, organisation],
      [{ statuses: ['new'] }, desk],
      [{}, queue],
      [{}, 'SD-12'],
      [{}, 'd0'],
      [{}, ''],
    ];
    for (const [filter, cursor] of refusals) {
      const error = await tickets.list({ ...filter, cursor }).catch((e: unknown) => e);
      expect(error, cursor).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'badCursor', params: { cursor } });
    }
  });

  it('reads from the newest ticket down whatever a made-up cursor claims', async () => {
    const far = await tickets.list({ cursor: 'd999999999', limit: 3 });
    expect(ids(far)).toEqual(expected(() => true).slice(0, 3));
  });

  it('returns lists of plain domain tickets', async () => {
    const [first] = (await tickets.list({ limit: 1 })).tickets;
    expect(first).toStrictEqual(JSON.parse(JSON.stringify(all.get(first!.id)!), revive));
  });
});

describe('MongoTicketRepository: lists as tickets change', () => {
  const database = useTestDatabase('mongo_ticket_list_changes');

  it('pages through tickets opened in the same millisecond without skipping or repeating one', async () => {
    const store = createMongoStore(database());
    const at = minutesAfter(MONDAY, 1);
    const made = await Promise.all(
      Array.from({ length: 25 }, async () =>
        store.tickets.insert(
          newTicket({ id: await store.ids.nextTicketId(), organisationId: 'org-ms' }, at),
          NO_EFFECTS,
        ),
      ),
    );
    for (const filter of [{}, { organisationId: 'org-ms' }, { statuses: ['new' as const] }]) {
      const seen: string[] = [];
      let page = await store.tickets.list({ ...filter, limit: 4 });
      seen.push(...ids(page));
      while (page.next) {
        page = await store.tickets.list({ ...filter, limit: 4, cursor: page.next });
        seen.push(...ids(page));
      }
      expect(new Set(seen).size, JSON.stringify(filter)).toBe(25);
      expect([...seen].sort(), JSON.stringify(filter)).toEqual(made.map((t) => t.id).sort());
    }
  });

  it('keeps the open queue and the shelves in step with saves, and leaves a closed ticket out of the queue', async () => {
    const store = createMongoStore(database());
    const open = await store.tickets.insert(
      newTicket({ id: await store.ids.nextTicketId(), organisationId: 'org-q' }),
      NO_EFFECTS,
    );
    const queue = () =>
      store.tickets.list({ organisationId: 'org-q', statuses: ['new', 'claimed', 'resolved'] });
    expect(ids(await queue())).toEqual([open.id]);
    const claimed = await store.tickets.save(
      claim(open, { actorId: 'agent-1', at: MONDAY }).ticket,
      NO_EFFECTS,
    );
    expect(ids(await store.tickets.list({ assigneeId: 'agent-1', statuses: ['claimed'] }))).toEqual([
      open.id,
    ]);
    const resolved = await store.tickets.save(
      resolve(claimed, contract, { actorId: 'agent-1', at: MONDAY }).ticket,
      NO_EFFECTS,
    );
    expect(ids(await queue())).toEqual([open.id]);
    await store.tickets.save(close(resolved, { actorId: 'contact-1', at: MONDAY }).ticket, NO_EFFECTS);
    expect(ids(await queue())).toEqual([]);
    expect(
      await database()
        .db!.collection('open_tickets')
        .countDocuments({ _id: open.id as never }),
    ).toBe(0);
    // Still on its organisation's shelf and in the desk's list.
    expect(ids(await store.tickets.list({ organisationId: 'org-q' }))).toEqual([open.id]);
    expect(ids(await store.tickets.list({ statuses: ['closed'] }))).toContain(open.id);
  });

  it('repairs a queue summary a crash left behind, and skips entries whose ticket never came', async () => {
    const store = createMongoStore(database());
    const ticket = await store.tickets.insert(
      newTicket({ id: await store.ids.nextTicketId(), organisationId: 'org-r' }),
      NO_EFFECTS,
    );
    const summaries = database().db!.collection('open_tickets');
    // As if the process died after the ticket's save and before its summary followed.
    await database()
      .db!.collection('tickets')
      .updateOne(
        { _id: ticket.id as never },
        { $set: { status: 'claimed', assigneeId: 'agent-9', version: 1 } },
      );
    // And as if one died between drawing the next number, placing the summary and inserting it.
    const counter = await database()
      .db!.collection<{ _id: string; seq: number }>('counters')
      .findOne({ _id: 'ticket:SD' });
    const lost = `SD-${counter!.seq + 1}`;
    await database()
      .db!.collection('ticket_ids')
      .insertOne({ _id: lost as never, issuedAt: MONDAY });
    await summaries.insertOne({
      _id: lost as never,
      number: counter!.seq + 1,
      organisationId: 'org-r',
      status: 'new',
      priority: 'P3',
      category: 'incident',
      version: 0,
    });
    expect(ids(await store.tickets.list({ organisationId: 'org-r', statuses: ['new'] }))).toEqual([]);
    // The desk's open queue passes the number that never became a ticket, and forgets its summary.
    expect(ids(await store.tickets.list({ statuses: ['new'], limit: 200 }))).not.toContain(lost);
    expect(await summaries.findOne({ _id: ticket.id as never })).toMatchObject({
      status: 'claimed',
      version: 1,
    });
    expect(await summaries.findOne({ _id: lost as never })).toBeNull();
    expect(ids(await store.tickets.list({ organisationId: 'org-r', statuses: ['claimed'] }))).toEqual([
      ticket.id,
    ]);
  });

  it('gives a short page with a cursor rather than reading the whole history for a rare filter', async () => {
    const store = createMongoStore(database(), { ticketPrefix: 'RARE' });
    const rare = await store.tickets.insert(
      newTicket({ id: await store.ids.nextTicketId(), organisationId: 'org-rare', category: 'problem' }),
      NO_EFFECTS,
    );
    // 1 100 later tickets of another category, stored in bulk as the desk would have stored them.
    const db = database().db!;
    const stored = await db.collection('tickets').findOne({ _id: rare.id as never });
    const later = Array.from({ length: 1_100 }, (_, i) => `RARE-${i + 2}`);
    await db
      .collection('tickets')
      .insertMany(later.map((id) => ({ ...stored, _id: id, category: 'incident' }) as never));
    await db.collection('ticket_ids').insertMany(later.map((id) => ({ _id: id, issuedAt: MONDAY }) as never));
    await db.collection('counters').updateOne({ _id: 'ticket:RARE' as never }, { $set: { seq: 1_101 } });

    const first = await store.tickets.list({ category: 'problem' });
    expect(first.tickets).toEqual([]);
    expect(first.next).toBeDefined();
    const second = await store.tickets.list({ category: 'problem', cursor: first.next! });
    expect(ids(second)).toEqual([rare.id]);
    expect(second.next).toBeUndefined();
  });
});

const ids = (list: TicketPage) => list.tickets.map((ticket) => ticket.id);

const revive = (key: string, value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)
    ? new Date(value)
    : value;
