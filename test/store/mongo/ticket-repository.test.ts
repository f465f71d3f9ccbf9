import mongoose from 'mongoose';
import { describe, expect, inject, it } from 'vitest';
import { ConcurrentChangeError, NO_EFFECTS } from '../../../src/app/ports.ts';
import { DomainError } from '../../../src/domain/domain-error.ts';
import { claim, comment, reopen } from '../../../src/domain/tickets/lifecycle.ts';
import { createMongoStore, AlreadyExistsError } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { fullTicket, MONDAY, minutesAfter, newTicket } from './fixtures.ts';

describe('MongoTicketRepository: round trips and optimistic concurrency', () => {
  const database = useTestDatabase('mongo_tickets');
  const store = () => createMongoStore(database());
  const raw = () => database().db!.collection('tickets');

  it('round-trips a full ticket as a plain domain object, dates as UTC Dates', async () => {
    const { tickets } = store();
    const { ticket } = fullTicket('SD-1');
    // The fixture really exercises every part of the ticket.
    expect(ticket.comments).toHaveLength(2);
    expect(ticket.effort).toHaveLength(2);
    expect(ticket.sla.paused).toEqual([{ from: expect.any(Date), to: expect.any(Date) }]);
    expect(ticket.sla.notifiedSteps).toEqual(['response:reminder']);
    expect(ticket.billable?.approvedAt).toBeInstanceOf(Date);
    expect(ticket.status).toBe('resolved');

    expect(await tickets.insert(ticket, NO_EFFECTS)).toEqual(ticket);
    const read = await tickets.get('SD-1');
    expect(read).toStrictEqual(structuredCloneWithoutUndefined(ticket));
    // Nothing of mongoose leaks: a plain object, no _id or __v, Dates as Dates.
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(read).not.toHaveProperty('_id');
    expect(read).not.toHaveProperty('__v');
    expect(read!.comments[0]).not.toHaveProperty('_id');
    expect(read!.sla.paused[0]!.from).toBeInstanceOf(Date);
    expect(read!.effort[1]).not.toHaveProperty('note');

    const stored = await raw().findOne({ _id: 'SD-1' as never });
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect((stored?.createdAt as Date).toISOString()).toBe(MONDAY.toISOString());
    expect(stored).not.toHaveProperty('id');
    expect(stored?.sla).not.toHaveProperty('resolutionDue'); // stratiteq sets no resolution target
  });

  it('inserts at version 0 and refuses a second insert of the same id', async () => {
    const { tickets } = store();
    const ticket = { ...newTicket({ id: 'SD-2' }), version: 7 };
    expect((await tickets.insert(ticket, NO_EFFECTS)).version).toBe(0);
    await expect(tickets.insert(newTicket({ id: 'SD-2' }), NO_EFFECTS)).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    expect(await tickets.get('SD-404')).toBeUndefined();
  });

  it('saves at version + 1 and removes members that became undefined (reopen)', async () => {
    const { tickets } = store();
    const { ticket } = fullTicket('SD-3');
    const inserted = await tickets.insert(ticket, NO_EFFECTS);
    expect(inserted.resolvedAt).toBeInstanceOf(Date);
    expect(inserted.autoCloseAt).toBeInstanceOf(Date);

    const reopened = reopen(
      inserted,
      { actorId: 'contact-1', at: minutesAfter(MONDAY, 200) },
      'still broken',
    ).ticket;
    expect(Object.keys(reopened)).toContain('resolvedAt'); // present but undefined in the domain object
    const saved = await tickets.save(reopened, NO_EFFECTS);
    expect(saved.version).toBe(1);

    const read = await tickets.get('SD-3');
    expect(read).toStrictEqual(structuredCloneWithoutUndefined(saved));
    expect(read).not.toHaveProperty('resolvedAt');
    expect(read).not.toHaveProperty('autoCloseAt');
    const stored = await raw().findOne({ _id: 'SD-3' as never });
    expect(stored).not.toHaveProperty('resolvedAt');
    expect(stored).not.toHaveProperty('autoCloseAt');
    expect(stored?.version).toBe(1);
  });

  it('loads a ticket stored with the old per-ticket conversations map, without it, and saves it without', async () => {
    const { tickets } = store();
    const inserted = await tickets.insert(newTicket({ id: 'SD-30' }), NO_EFFECTS);
    await raw().updateOne(
      { _id: 'SD-30' as never },
      { $set: { conversations: { slack: { channel: 'C0123', thread: '1741000000.000100' } } } },
    );
    const read = await tickets.get('SD-30');
    expect(read).toStrictEqual(structuredCloneWithoutUndefined(inserted));
    const listed = await tickets.list({ organisationId: 'org-1', limit: 200 });
    expect(listed.tickets.find((ticket) => ticket.id === 'SD-30')).not.toHaveProperty('conversations');
    await tickets.save(claim(read!, { actorId: 'agent-1', at: MONDAY }).ticket, NO_EFFECTS);
    expect(await raw().findOne({ _id: 'SD-30' as never })).not.toHaveProperty('conversations');
  });

  it('refuses a save from a stale version with ConcurrentChangeError', async () => {
    const { tickets } = store();
    const inserted = await tickets.insert(newTicket({ id: 'SD-4' }), NO_EFFECTS);
    const first = await tickets.save(
      claim(inserted, { actorId: 'agent-1', at: minutesAfter(MONDAY, 1) }).ticket,
      NO_EFFECTS,
    );
    expect(first.version).toBe(1);

    const stale = claim(inserted, { actorId: 'agent-2', at: minutesAfter(MONDAY, 2) }).ticket;
    const error = await tickets.save(stale, NO_EFFECTS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConcurrentChangeError);
    expect((error as ConcurrentChangeError).ticketId).toBe('SD-4');
    expect((await tickets.get('SD-4'))?.assigneeId).toBe('agent-1');

    // Far behind too (the revisions it would claim are long past).
    let current = first;
    for (let n = 0; n < 4; n++) {
      current = await tickets.save(
        comment(
          current,
          { id: `c-${n}`, body: `note ${n}`, visibility: 'internal' },
          { actorId: 'agent-1', at: minutesAfter(MONDAY, 10 + n) },
        ).ticket,
        NO_EFFECTS,
      );
    }
    expect(current.version).toBe(5);
    await expect(tickets.save(stale, NO_EFFECTS)).rejects.toBeInstanceOf(ConcurrentChangeError);
    await expect(tickets.save({ ...current, version: 2 }, NO_EFFECTS)).rejects.toBeInstanceOf(
      ConcurrentChangeError,
    );
    expect(await tickets.get('SD-4')).toStrictEqual(structuredCloneWithoutUndefined(current));
  });

  it('lets exactly one of several concurrent saves of the same version win', async () => {
    const { tickets } = store();
    let ticket = await tickets.insert(newTicket({ id: 'SD-5' }), NO_EFFECTS);
    for (let round = 0; round < 10; round++) {
      const attempts = ['agent-1', 'agent-2', 'agent-3'].map((agent) =>
        tickets.save(
          comment(
            ticket,
            { id: `${round}-${agent}`, body: agent, visibility: 'internal' },
            { actorId: agent, at: minutesAfter(MONDAY, round) },
          ).ticket,
          NO_EFFECTS,
        ),
      );
      const results = await Promise.allSettled(attempts);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const result of lost) expect(result.reason).toBeInstanceOf(ConcurrentChangeError);
      const winner = (won[0] as PromiseFulfilledResult<typeof ticket>).value;
      ticket = (await tickets.get('SD-5'))!;
      expect(ticket.version).toBe(round + 1);
      expect(ticket).toStrictEqual(structuredCloneWithoutUndefined(winner));
    }
    expect(ticket.comments).toHaveLength(10);
  });

  it('two agents claiming at once: one winner, the other learns who after reloading', async () => {
    const { tickets } = store();
    const inserted = await tickets.insert(newTicket({ id: 'SD-6' }), NO_EFFECTS);
    const results = await Promise.allSettled(
      ['agent-1', 'agent-2'].map((agent) =>
        tickets.save(claim(inserted, { actorId: agent, at: MONDAY }).ticket, NO_EFFECTS),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const fresh = (await tickets.get('SD-6'))!;
    const loser = fresh.assigneeId === 'agent-1' ? 'agent-2' : 'agent-1';
    expect(() => claim(fresh, { actorId: loser, at: MONDAY })).toThrow(DomainError);
  });

  it('throws notFound when saving a ticket that was never inserted, and leaves nothing behind', async () => {
    const { tickets } = store();
    const error = await tickets
      .save(newTicket({ id: 'SD-999' }), NO_EFFECTS)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('notFound');
    expect(await tickets.get('SD-999')).toBeUndefined();
    expect(await database().db!.collection('ticket_revisions').countDocuments({ of: 'SD-999' })).toBe(0);
  });

  it('finishes the write of a saver that died after claiming its version', async () => {
    const { tickets } = store();
    const inserted = await tickets.insert(newTicket({ id: 'SD-7' }), NO_EFFECTS);
    const claimed = claim(inserted, { actorId: 'agent-1', at: MONDAY }).ticket;
    // What a saver leaves when it dies between its two steps: the claim with the ticket, nothing else.
    const { id, ...content } = { ...claimed, version: 1 };
    await database()
      .db!.collection('ticket_revisions')
      .insertOne({
        _id: 'SD-7@1' as never,
        of: id,
        version: 1,
        content: JSON.parse(JSON.stringify(content), (key, value) =>
          /At$|Due$|^from$|^to$/.test(key) && typeof value === 'string' ? new Date(value) : value,
        ),
        claimedAt: new Date(),
      });
    expect((await tickets.get('SD-7'))?.version).toBe(0);

    // The next writer at version 0 loses, and in losing completes the dead writer's save.
    const other = claim(inserted, { actorId: 'agent-2', at: MONDAY }).ticket;
    await expect(tickets.save(other, NO_EFFECTS)).rejects.toBeInstanceOf(ConcurrentChangeError);
    const healed = await tickets.get('SD-7');
    expect(healed).toMatchObject({ version: 1, assigneeId: 'agent-1', status: 'claimed' });
    expect(healed?.sla.responseDue).toBeInstanceOf(Date);
    // And the ticket moves on from there.
    const next = await tickets.save(
      comment(healed!, { id: 'c-1', body: 'on it', visibility: 'public' }, { actorId: 'agent-1', at: MONDAY })
        .ticket,
      NO_EFFECTS,
    );
    expect(next.version).toBe(2);
  });

  it('refuses a save from a version ahead of the stored one, and claims nothing for it', async () => {
    const { tickets } = store();
    let ticket = await tickets.insert(newTicket({ id: 'SD-9' }), NO_EFFECTS);
    ticket = await tickets.save(claim(ticket, { actorId: 'agent-1', at: MONDAY }).ticket, NO_EFFECTS);
    const ahead = { ...ticket, version: 3 };
    await expect(tickets.save(ahead, NO_EFFECTS)).rejects.toBeInstanceOf(ConcurrentChangeError);
    const revisions = database().db!.collection('ticket_revisions');
    expect(await revisions.findOne({ _id: 'SD-9@4' as never })).toBeNull();
    expect(await tickets.get('SD-9')).toStrictEqual(structuredCloneWithoutUndefined(ticket));
    // The real next version is still free.
    expect((await tickets.save(ticket, NO_EFFECTS)).version).toBe(2);
  });

  it('sets right a write that lands after a newer version was saved (a stalled writer)', async () => {
    const { tickets } = store();
    const inserted = await tickets.insert(newTicket({ id: 'SD-10' }), NO_EFFECTS);
    // The stalled writer: a store on a connection of its own whose first ticket write waits.
    const other = await mongoose
      .createConnection(inject('mongoUri'), { dbName: database().name, serverSelectionTimeoutMS: 10_000 })
      .asPromise();
    try {
      const stalled = createMongoStore(other);
      const model = other.models.Ticket!;
      const findOneAndReplace = model.findOneAndReplace.bind(model);
      let reached!: () => void;
      const writing = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let first = true;
      model.findOneAndReplace = ((...args: Parameters<typeof findOneAndReplace>) => {
        const query = findOneAndReplace(...args);
        if (!first) return query;
        first = false;
        const exec = query.exec.bind(query);
        query.exec = (() => {
          reached();
          return gate.then(() => exec());
        }) as typeof query.exec;
        return query;
      }) as typeof model.findOneAndReplace;

      // 1. The stalled writer claims version 1 and stops just before writing it.
      const stalledSave = stalled.tickets.save(
        claim(inserted, { actorId: 'agent-1', at: MONDAY }).ticket,
        NO_EFFECTS,
      );
      await writing;
      // 2. Another writer at version 0 loses the claim and settles it: version 1 is agent-1's.
      const lost = claim(inserted, { actorId: 'agent-2', at: MONDAY }).ticket;
      await expect(tickets.save(lost, NO_EFFECTS)).rejects.toBeInstanceOf(ConcurrentChangeError);
      const one = (await tickets.get('SD-10'))!;
      expect(one).toMatchObject({ version: 1, assigneeId: 'agent-1' });
      // 3. The next change goes through: version 2.
      const two = await tickets.save(
        comment(one, { id: 'c-1', body: 'on it', visibility: 'public' }, { actorId: 'agent-1', at: MONDAY })
          .ticket,
        NO_EFFECTS,
      );
      expect(two.version).toBe(2);
      // 4. The stalled write of version 1 lands now; its writer sees it replaced version 2, and settles.
      release();
      expect((await stalledSave).version).toBe(1);
      expect(await tickets.get('SD-10')).toStrictEqual(structuredCloneWithoutUndefined(two));
    } finally {
      await other.close();
    }
  });

  it('brings a ticket set back by a late write forward again when the next writer finds it behind', async () => {
    const { tickets } = store();
    const inserted = await tickets.insert(newTicket({ id: 'SD-11' }), NO_EFFECTS);
    const one = await tickets.save(claim(inserted, { actorId: 'agent-1', at: MONDAY }).ticket, NO_EFFECTS);
    const two = await tickets.save(
      comment(one, { id: 'c-1', body: 'on it', visibility: 'public' }, { actorId: 'agent-1', at: MONDAY })
        .ticket,
      NO_EFFECTS,
    );
    // What a write of version 1 landing after version 2 leaves (its writer then stalled for good).
    const versionOne = await database()
      .db!.collection('ticket_revisions')
      .findOne({ _id: 'SD-11@1' as never });
    await raw().replaceOne({ _id: 'SD-11' as never }, versionOne!.content);
    expect((await tickets.get('SD-11'))?.version).toBe(1);

    // A writer holding version 2 finds the ticket behind: it settles it and reports the conflict.
    const stale = comment(
      two,
      { id: 'c-2', body: 'more', visibility: 'public' },
      { actorId: 'agent-1', at: MONDAY },
    ).ticket;
    await expect(tickets.save(stale, NO_EFFECTS)).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(await tickets.get('SD-11')).toStrictEqual(structuredCloneWithoutUndefined(two));
    expect((await tickets.save(stale, NO_EFFECTS)).version).toBe(3);
  });

  it('keeps the ticket content only in the two newest revisions', async () => {
    const { tickets } = store();
    let ticket = await tickets.insert(newTicket({ id: 'SD-8' }), NO_EFFECTS);
    for (let n = 0; n < 5; n++) {
      ticket = await tickets.save(
        comment(
          ticket,
          { id: `c-${n}`, body: 'x', visibility: 'internal' },
          { actorId: 'agent-1', at: MONDAY },
        ).ticket,
        NO_EFFECTS,
      );
    }
    const revisions = await database()
      .db!.collection('ticket_revisions')
      .find({ of: 'SD-8' })
      .sort({ version: 1 })
      .toArray();
    expect(revisions.map((revision) => [revision.version, 'content' in revision])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [5, true],
    ]);
  });
});

/** What a stored ticket reads back as: the same, minus members that were undefined. */
function structuredCloneWithoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(structuredCloneWithoutUndefined) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => [key, structuredCloneWithoutUndefined(member)]),
  ) as T;
}
