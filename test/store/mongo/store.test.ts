import { NO_EFFECTS } from '../../../src/app/ports.ts';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { newTicket } from './fixtures.ts';

describe('createMongoStore', () => {
  const database = useTestDatabase('mongo_store');

  it('registers its models on the given connection only, and may be created twice', async () => {
    const globalModels = [...mongoose.modelNames()];
    const store = createMongoStore(database());
    const again = createMongoStore(database(), { ticketPrefix: 'X' });
    expect(mongoose.modelNames()).toEqual(globalModels);
    expect(database().modelNames()).toEqual(
      expect.arrayContaining([
        'Ticket',
        'ticketRevision',
        'organisationRevision',
        'PendingChange',
        'OutboxEntry',
        'OpenClaim',
        'Counter',
        'TicketId',
        'Organisation',
        'Person',
        'PersonIdentity',
        'DeskSettings',
        'TicketShelfEntry',
        'OpenTicket',
        'Conversation',
        'ConversationThread',
        'InboundEvent',
      ]),
    );
    await store.tickets.insert(newTicket({ id: 'SD-1' }), NO_EFFECTS);
    expect((await again.tickets.get('SD-1'))?.id).toBe('SD-1');
  });

  it('builds no index by itself; ensureIndexes builds those the queries need, and can run again', async () => {
    const store = createMongoStore(database());
    await store.tickets.insert(newTicket({ id: 'SD-2' }), NO_EFFECTS);
    const keysOf = async (collection: string) =>
      (await database().db!.collection(collection).indexes()).map((index) => [
        JSON.stringify(index.key),
        index.unique === true,
      ]);
    expect(await keysOf('tickets')).toEqual([['{"_id":1}', false]]);

    await store.ensureIndexes();
    await store.ensureIndexes();

    // Tickets, their revisions ("SD-5@3", also the audit log), shelf places, open-queue summaries
    // and open claims are only ever addressed by _id: no other index.
    for (const collection of [
      'tickets',
      'ticket_revisions',
      'organisation_revisions',
      'open_claims',
      'ticket_shelf',
      'open_tickets',
      'conversations',
      'conversation_threads',
    ]) {
      expect(await keysOf(collection), collection).toEqual([['{"_id":1}', false]]);
    }
    expect(await keysOf('organisations')).toContainEqual(['{"name":1}', true]);
    // The relay's and the delivery's to-do lists are read oldest first.
    expect(await keysOf('pending_changes')).toContainEqual(['{"since":1}', false]);
    expect(await keysOf('outbox')).toContainEqual(['{"dueAt":1}', false]);
    expect(await keysOf('outbox_failed')).toContainEqual(['{"failedAt":-1}', false]);
    expect(await keysOf('person_identities')).toContainEqual(['{"personId":1}', false]);
    // A chat user's contact record, by the address their platform gives.
    expect(await keysOf('people')).toContainEqual(['{"emailKey":1}', false]);
    // Handled chat events are dropped by age.
    expect(await keysOf('inbound_events')).toContainEqual(['{"at":1}', false]);
    const collections = (await database().db!.listCollections().toArray()).map((c) => c.name);
    expect(collections).toEqual(
      expect.arrayContaining([
        'tickets',
        'ticket_revisions',
        'counters',
        'ticket_ids',
        'organisations',
        'people',
        'person_identities',
        'pending_changes',
        'outbox',
        'outbox_failed',
        'desk_settings',
        'ticket_shelf',
        'open_tickets',
        'conversations',
        'conversation_threads',
        'inbound_events',
      ]),
    );
  });
});
