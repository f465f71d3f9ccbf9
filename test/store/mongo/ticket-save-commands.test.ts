import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConcurrentChangeError } from '../../../src/app/ports.ts';
import { NO_EFFECTS } from '../../../src/app/ports.ts';
import type { DomainError } from '../../../src/domain/domain-error.ts';
import { claim, comment } from '../../../src/domain/tickets/lifecycle.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { MONDAY, minutesAfter, newTicket } from './fixtures.ts';

/**
 * The embedded FerretDB (SQLite) filters inside SQLite only a filter that is exactly
 * `{ _id: value }`; any other filter has it decode the whole collection, ten times the cost. The calls every ticket change makes (id, insert,
 * get, save in all its outcomes) and the people lookups of each request must therefore address
 * documents by `_id` alone. Watched here with the driver's command monitoring, on a connection of
 * its own to the test database.
 */

/** Collections whose every command on these paths must be by `_id`. */
const WATCHED = new Set([
  'tickets',
  'ticket_revisions',
  'pending_changes',
  'counters',
  'ticket_ids',
  'people',
  'person_identities',
]);

interface Seen {
  command: string;
  collection: string;
  /** The filters the command carries (none for an insert). */
  filters: unknown[];
}

function filtersOf(name: string, command: Record<string, unknown>): unknown[] {
  switch (name) {
    case 'find':
      return [command.filter ?? {}];
    case 'findAndModify':
    case 'count':
      return [command.query ?? {}];
    case 'update':
      return (command.updates as { q: unknown }[]).map((update) => update.q);
    case 'delete':
      return (command.deletes as { q: unknown }[]).map((deletion) => deletion.q);
    case 'insert':
      return [];
    default:
      // aggregate, distinct, …: a scan whatever they ask; report them as one.
      return [{ [`(${name})`]: true }];
  }
}

const byIdOnly = (filter: unknown): boolean =>
  typeof filter === 'object' &&
  filter !== null &&
  Object.keys(filter).length === 1 &&
  typeof (filter as { _id?: unknown })._id === 'string';

const note = (ticket: Ticket, id: string, minutes: number, actorId = 'agent-1') =>
  comment(ticket, { id, body: id, visibility: 'internal' }, { actorId, at: minutesAfter(MONDAY, minutes) })
    .ticket;

describe('ticket saves and their lookups address documents by _id only', () => {
  const database = useTestDatabase('mongo_save_commands');
  let monitored: Connection | undefined;
  const seen: Seen[] = [];

  beforeAll(async () => {
    monitored = await mongoose
      .createConnection(inject('mongoUri'), {
        dbName: database().name,
        monitorCommands: true,
        serverSelectionTimeoutMS: 10_000,
      })
      .asPromise();
    monitored.getClient().on('commandStarted', (event) => {
      const command = event.command as Record<string, unknown>;
      const collection = command[event.commandName];
      if (typeof collection !== 'string' || !WATCHED.has(collection)) return;
      seen.push({ command: event.commandName, collection, filters: filtersOf(event.commandName, command) });
    });
  });

  afterAll(async () => {
    await monitored?.close();
  });

  it('ids, insert, get, and every outcome of save', async () => {
    const store = createMongoStore(monitored!);
    const { tickets, ids } = store;

    // A new ticket: its id, the insert, reading it back.
    const id = await ids.nextTicketId();
    expect(id).toMatch(/^SD-\d+$/);
    let ticket = await tickets.insert(newTicket({ id }), NO_EFFECTS);
    expect((await tickets.get(id))?.version).toBe(0);

    // Saves past version 2, so that older revisions are tombstoned.
    for (let n = 0; n < 4; n++) ticket = await tickets.save(note(ticket, `c-${n}`, n), NO_EFFECTS);
    expect(ticket.version).toBe(4);

    // A stale save, and one claiming a version ahead of the stored one.
    await expect(
      tickets.save(note({ ...ticket, version: 2 }, 'stale', 10), NO_EFFECTS),
    ).rejects.toBeInstanceOf(ConcurrentChangeError);
    await expect(
      tickets.save(note({ ...ticket, version: 7 }, 'ahead', 10), NO_EFFECTS),
    ).rejects.toBeInstanceOf(ConcurrentChangeError);

    // Three at once: one wins, the losers settle the winner's claim.
    const race = await Promise.allSettled(
      ['agent-1', 'agent-2', 'agent-3'].map((agent) =>
        tickets.save(note(ticket, agent, 20, agent), NO_EFFECTS),
      ),
    );
    expect(race.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    ticket = (await tickets.get(id))!;
    expect(ticket.version).toBe(5);

    // A writer that died after claiming version 6: the next writer finishes its write.
    const { id: _ignored, ...dead } = { ...note(ticket, 'dead', 30), version: 6 };
    await database()
      .db!.collection('ticket_revisions')
      .insertOne({
        _id: `${id}@6` as never,
        of: id,
        version: 6,
        content: dead,
        claimedAt: new Date(),
      });
    await expect(tickets.save(note(ticket, 'late', 31), NO_EFFECTS)).rejects.toBeInstanceOf(
      ConcurrentChangeError,
    );
    expect(await tickets.get(id)).toMatchObject({ version: 6 });

    // A ticket that was never inserted.
    const missing = await tickets
      .save(newTicket({ id: 'SD-404' }), NO_EFFECTS)
      .catch((error: unknown) => error);
    expect((missing as DomainError).code).toBe('notFound');

    // Claiming it for an agent, as the HTTP API does after looking the agent up.
    const { people } = store;
    await people.insert({
      id: 'p-agent',
      name: 'Agent',
      role: 'agent',
      identities: [{ channel: 'slack', externalId: 'U0AGENT' }],
    });
    expect((await people.get('p-agent'))?.name).toBe('Agent');
    expect((await people.findByIdentity('slack', 'U0AGENT'))?.id).toBe('p-agent');
    ticket = (await tickets.get(id))!;
    await tickets.save(
      claim(ticket, { actorId: 'p-agent', at: minutesAfter(MONDAY, 40) }).ticket,
      NO_EFFECTS,
    );

    // Not vacuous: the save path's reads and writes were all seen.
    const kinds = new Set(seen.map((command) => `${command.command} ${command.collection}`));
    for (const kind of [
      'findAndModify counters',
      'insert ticket_ids',
      'insert tickets',
      'find tickets',
      'findAndModify tickets',
      'insert ticket_revisions',
      'find ticket_revisions',
      'update ticket_revisions',
      'find people',
      'find person_identities',
    ]) {
      expect(kinds, kind).toContain(kind);
    }

    const offending = seen.filter((command) => !command.filters.every(byIdOnly));
    expect(offending).toEqual([]);
  });
});
