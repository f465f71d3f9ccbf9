import { describe, expect, it } from 'vitest';
import { openFromChat, type ChatOpen } from '../../../src/app/chat/open-from-chat.ts';
import { addAgent, addContact } from '../../../src/app/directory.ts';
import * as actions from '../../../src/app/ticket-actions.ts';
import { useTestDesk } from '../../support/test-desk.ts';
import { refusal, slackUser, storedCounts } from './support.ts';

const desk = useTestDesk();

const request = (eventId: string, externalId: string, more: Partial<ChatOpen> = {}): ChatOpen => ({
  channel: 'slack',
  eventId,
  from: slackUser(externalId),
  category: 'incident',
  title: 'Invoices fail',
  description: 'The export crashes',
  ...more,
});

describe('openFromChat', () => {
  it('opens a ticket for the contact’s organisation, and a redelivered event gives the same ticket back', async () => {
    const { organisation } = await desk().seedCustomer('Chat open AB');
    const kim = await addContact(desk().deps, organisation.id, {
      name: 'Kim',
      identities: [{ channel: 'slack', externalId: 'U0KIM' }],
    });
    const first = await openFromChat(desk().deps, request('Ev001', 'U0KIM', { priority: 'P1' }));
    expect(first.duplicate).toBe(false);
    expect(first.ticket).toMatchObject({
      organisationId: organisation.id,
      requesterId: kim.id,
      title: 'Invoices fail',
      // Stratiteq: the desk sets the priority; the customer's wish is kept.
      priority: 'P3',
      requestedPriority: 'P1',
    });
    expect(await desk().store.inbound.handled('slack', 'Ev001')).toBe(true);

    const again = await openFromChat(desk().deps, request('Ev001', 'U0KIM', { priority: 'P1' }));
    expect(again).toEqual({ ticket: first.ticket, duplicate: true });
    const page = await desk().store.tickets.list({ organisationId: organisation.id, limit: 200 });
    expect(page.tickets.map((ticket) => ticket.id)).toEqual([first.ticket.id]);

    // Another event is another ticket.
    const other = await openFromChat(desk().deps, request('Ev002', 'U0KIM'));
    expect(other.ticket.id).not.toBe(first.ticket.id);
  });

  it('gives a redelivery the ticket as the customer may see it: never the desk’s internal notes', async () => {
    const acme = await desk().seedCustomer('Chat notes AB');
    await addContact(desk().deps, acme.organisation.id, {
      name: 'Noa',
      identities: [{ channel: 'slack', externalId: 'U0NOA' }],
    });
    const { ticket } = await openFromChat(desk().deps, request('Ev-notes', 'U0NOA'));
    await actions.comment(desk().deps, acme.agent.id, ticket.id, {
      body: 'internal only',
      visibility: 'internal',
    });
    const again = await openFromChat(desk().deps, request('Ev-notes', 'U0NOA'));
    expect(again.ticket.id).toBe(ticket.id);
    expect(again.ticket.comments).toEqual([]);
  });

  it('gives the same ticket back when the event comes again after a crash before it was logged', async () => {
    const { organisation } = await desk().seedCustomer('Crash open AB');
    await addContact(desk().deps, organisation.id, {
      name: 'Kai',
      identities: [{ channel: 'slack', externalId: 'U0KAI' }],
    });
    const first = await openFromChat(desk().deps, request('Ev101', 'U0KAI'));
    // What a crash between opening and logging leaves: the ticket, and no log entry.
    await desk()
      .connection.db!.collection('inbound_events')
      .deleteOne({ _id: 'slack:Ev101' as never });
    const again = await openFromChat(desk().deps, request('Ev101', 'U0KAI'));
    expect(again).toEqual({ ticket: first.ticket, duplicate: false });
    const page = await desk().store.tickets.list({ organisationId: organisation.id, limit: 200 });
    expect(page.tickets).toHaveLength(1);
    expect(await desk().store.inbound.handled('slack', 'Ev101')).toBe(true);
  });

  it('refuses a user who is no contact, and stores nothing: no ticket, no number, no identity, no log', async () => {
    await desk().seedCustomer('Stranger AB');
    const before = await storedCounts(desk().connection);
    const error = await refusal(
      openFromChat(
        desk().deps,
        request('Ev201', 'U0STRANGER', { from: slackUser('U0STRANGER', 'x@y.example') }),
      ),
    );
    expect(error.code).toBe('notAContact');
    expect(await storedCounts(desk().connection)).toEqual(before);
  });

  it('refuses a title too long or empty before anything is claimed', async () => {
    const { organisation } = await desk().seedCustomer('Long title AB');
    await addContact(desk().deps, organisation.id, {
      name: 'Lo',
      identities: [{ channel: 'slack', externalId: 'U0LO' }],
    });
    const before = await storedCounts(desk().connection);
    const long = await refusal(
      openFromChat(desk().deps, request('Ev301', 'U0LO', { title: 'x'.repeat(201) })),
    );
    expect([long.code, long.params]).toEqual(['textTooLong', { field: 'title', max: 200, length: 201 }]);
    const empty = await refusal(openFromChat(desk().deps, request('Ev302', 'U0LO', { title: '   ' })));
    expect([empty.code, empty.params]).toEqual(['textEmpty', { field: 'title' }]);
    expect(await storedCounts(desk().connection)).toEqual(before);
    // At the limit, trimmed: taken.
    const fits = await openFromChat(desk().deps, request('Ev303', 'U0LO', { title: ` ${'y'.repeat(200)} ` }));
    expect(fits.ticket.title).toBe('y'.repeat(200));
  });

  it('leaves opening from chat to customers: the desk’s people have no organisation to open for', async () => {
    await addAgent(desk().deps, {
      name: 'Agent chat',
      identities: [{ channel: 'slack', externalId: 'U0AGENT' }],
    });
    const error = await refusal(openFromChat(desk().deps, request('Ev401', 'U0AGENT')));
    expect([error.code, error.params]).toEqual(['customerOnly', { action: 'openFromChat' }]);
  });
});
