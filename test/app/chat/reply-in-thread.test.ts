import { beforeAll, describe, expect, it } from 'vitest';
import { replyInThread, type ChatReply } from '../../../src/app/chat/reply-in-thread.ts';
import { linkIdentity } from '../../../src/app/directory.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { claim, waitOnCustomer } from '../../../src/app/ticket-actions.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';
import { useTestDesk, type SeededCustomer } from '../../support/test-desk.ts';
import { refusal, slackUser, storedCounts } from './support.ts';

const desk = useTestDesk();

describe('replyInThread', () => {
  let acme: SeededCustomer;
  let threads = 0;

  beforeAll(async () => {
    acme = await desk().seedCustomer('Reply AB');
    await linkIdentity(desk().deps, acme.contact.id, slackUser('U0CONTACT').identity);
    await linkIdentity(desk().deps, acme.agent.id, slackUser('U0AGENT').identity);
  });

  /** A ticket with its requester's and triage threads on Slack, as the delivery would have started them. */
  async function ticketWithThreads(): Promise<{ ticket: Ticket; requester: string; triage: string }> {
    const ticket = await openTicket(desk().deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Reports are empty',
      description: 'Since Monday',
    });
    const n = ++threads;
    const requester = `D0CONTACT:1741000000.${n}01`;
    const triage = `C0TRIAGE:1741000000.${n}02`;
    await desk().deps.conversations.start({
      ticketId: ticket.id,
      channel: 'slack',
      audience: 'requester',
      root: { id: requester, thread: requester },
    });
    await desk().deps.conversations.start({
      ticketId: ticket.id,
      channel: 'slack',
      audience: 'triage',
      root: { id: triage, thread: triage },
    });
    return { ticket, requester, triage };
  }

  const reply = (eventId: string, externalId: string, thread: string, more: Partial<ChatReply> = {}) =>
    replyInThread(desk().deps, {
      channel: 'slack',
      eventId,
      from: slackUser(externalId),
      thread,
      text: `Reply ${eventId}`,
      ...more,
    });

  const stored = async (id: string) => (await desk().store.tickets.get(id))!;

  it('answers a thread that is no ticket’s with notATicketThread, and stores nothing', async () => {
    const before = await storedCounts(desk().connection);
    expect(await reply('Ev000', 'U0ANYONE', 'C0RANDOM:1741000000.000100')).toEqual({
      kind: 'notATicketThread',
    });
    expect(await storedCounts(desk().connection)).toEqual(before);
  });

  it('makes a reply in the triage thread an internal note, and with toCustomer a public comment', async () => {
    const { ticket, triage } = await ticketWithThreads();
    const note = await reply('Ev010', 'U0AGENT', triage);
    expect(note).toMatchObject({ kind: 'commented', visibility: 'internal', duplicate: false });
    const told = await reply('Ev011', 'U0AGENT', triage, { toCustomer: true });
    expect(told).toMatchObject({ kind: 'commented', visibility: 'public' });
    expect((await stored(ticket.id)).comments.map((c) => [c.body, c.visibility, c.authorId])).toEqual([
      ['Reply Ev010', 'internal', acme.agent.id],
      ['Reply Ev011', 'public', acme.agent.id],
    ]);
  });

  it('refuses a contact writing in the triage thread, and stores nothing', async () => {
    const { ticket, triage } = await ticketWithThreads();
    const before = await storedCounts(desk().connection);
    for (const toCustomer of [false, true]) {
      const error = await refusal(reply('Ev020', 'U0CONTACT', triage, { toCustomer }));
      expect([error.code, error.params]).toEqual(['agentsOnly', { action: 'internalComment' }]);
    }
    expect(await storedCounts(desk().connection)).toEqual(before);
    expect((await stored(ticket.id)).comments).toEqual([]);
  });

  it('makes the customer’s reply in their thread public, and resumes a ticket waiting on them', async () => {
    const { ticket, requester } = await ticketWithThreads();
    await claim(desk().deps, acme.agent.id, ticket.id);
    await waitOnCustomer(desk().deps, acme.agent.id, ticket.id);
    const answered = await reply('Ev030', 'U0CONTACT', requester, { text: 'Here is the log' });
    expect(answered).toMatchObject({ kind: 'commented', visibility: 'public', duplicate: false });
    const after = await stored(ticket.id);
    expect(after.status).toBe('in_progress');
    expect(after.comments.map((c) => [c.body, c.visibility, c.authorId])).toEqual([
      ['Here is the log', 'public', acme.contact.id],
    ]);
  });

  it('keeps a desk person’s reply in the requester’s thread public: it is the customer’s conversation', async () => {
    const { ticket, requester } = await ticketWithThreads();
    expect(await reply('Ev040', 'U0AGENT', requester, { toCustomer: false })).toMatchObject({
      visibility: 'public',
    });
    expect((await stored(ticket.id)).comments.map((c) => c.visibility)).toEqual(['public']);
  });

  it('makes a desk person’s reply in their own thread (an escalation) an internal note', async () => {
    const { ticket } = await ticketWithThreads();
    const own = `D0AGENT:1741000000.${ticket.id}`;
    await desk().deps.conversations.start({
      ticketId: ticket.id,
      channel: 'slack',
      audience: `person:${acme.agent.id}`,
      root: { id: own, thread: own },
    });
    expect(await reply('Ev050', 'U0AGENT', own)).toMatchObject({ visibility: 'internal' });
    expect(await reply('Ev051', 'U0AGENT', own, { toCustomer: true })).toMatchObject({
      visibility: 'public',
    });
  });

  it('writes the comment of one event once: redelivered, and again after a crash before it was logged', async () => {
    const { ticket, requester } = await ticketWithThreads();
    const first = await reply('Ev060', 'U0CONTACT', requester);
    const version = (await stored(ticket.id)).version;
    const again = await reply('Ev060', 'U0CONTACT', requester);
    expect(again).toMatchObject({ kind: 'commented', visibility: 'public', duplicate: true });
    expect(again.kind === 'commented' && again.ticket).toEqual(first.kind === 'commented' && first.ticket);

    // What a crash between commenting and logging leaves: the comment, and no log entry.
    await desk()
      .connection.db!.collection('inbound_events')
      .deleteOne({ _id: 'slack:Ev060' as never });
    const afterCrash = await reply('Ev060', 'U0CONTACT', requester);
    expect(afterCrash).toMatchObject({ kind: 'commented', duplicate: false });
    const after = await stored(ticket.id);
    expect(after.comments.map((c) => c.body)).toEqual(['Reply Ev060']);
    expect(after.version).toBe(version);
    expect(await desk().store.inbound.handled('slack', 'Ev060')).toBe(true);
  });

  it('refuses a comment too long, and stores nothing', async () => {
    const { requester } = await ticketWithThreads();
    const before = await storedCounts(desk().connection);
    const error = await refusal(reply('Ev070', 'U0CONTACT', requester, { text: 'z'.repeat(10_001) }));
    expect([error.code, error.params]).toEqual([
      'textTooLong',
      { field: 'comment', max: 10_000, length: 10_001 },
    ]);
    expect(await storedCounts(desk().connection)).toEqual(before);
  });

  it('the desk’s first answer in the customer’s own thread stops the response clock; notes and customers’ words do not', async () => {
    const { ticket, requester, triage } = await ticketWithThreads();
    const contract = desk().deps.contracts.contract(acme.organisation.contractId);
    const responseTimers = (t: Ticket) =>
      plannedTimers(t, contract).filter((timer) => timer.step.startsWith('response:'));
    expect(responseTimers(ticket).length).toBeGreaterThan(0);

    await reply('Ev200', 'U0CONTACT', requester);
    await reply('Ev201', 'U0AGENT', triage);
    await reply('Ev202', 'U0AGENT', triage, { toCustomer: true });
    expect((await stored(ticket.id)).sla.firstResponseAt).toBeUndefined();

    desk().clock.advance(60_000);
    const answeredAt = desk().clock.now();
    await reply('Ev203', 'U0AGENT', requester);
    const answered = await stored(ticket.id);
    expect(answered.sla.firstResponseAt).toEqual(answeredAt);
    expect(answered.status).toBe('new');
    expect(responseTimers(answered)).toEqual([]);
    const events = await desk().deps.audit.forTicket(answered);
    expect(events.filter((e) => e.type === 'commented' && e.firstResponse === true)).toHaveLength(1);

    // A second answer changes nothing of the clock.
    desk().clock.advance(60_000);
    await reply('Ev204', 'U0AGENT', requester);
    expect((await stored(ticket.id)).sla.firstResponseAt).toEqual(answeredAt);
  });
});
