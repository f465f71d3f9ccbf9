import { beforeAll, describe, expect, it } from 'vitest';
import { openTicket } from '../../src/app/open-ticket.ts';
import { accept, comment, resolve } from '../../src/app/ticket-actions.ts';
import type { Ticket } from '../../src/domain/tickets/ticket.ts';
import { useTestDesk, type SeededCustomer } from '../support/test-desk.ts';

const desk = useTestDesk();

describe('a comment with an idempotency key', () => {
  let acme: SeededCustomer;
  beforeAll(async () => {
    acme = await desk().seedCustomer('Once AB');
  });

  const open = (): Promise<Ticket> =>
    openTicket(desk().deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'user_support',
      title: 'Export question',
      description: 'How?',
    });
  const noticesOn = (ticketId: string) =>
    desk().notifier.sent.filter((sent) => sent.ticketId === ticketId && sent.key.includes('ommented'));

  it('is written once: a repeat changes nothing, not even the version, and tells nobody again', async () => {
    const ticket = await open();
    const note = { body: 'It works now', visibility: 'public' as const, idempotencyKey: 'slack:Ev1' };
    const first = await comment(desk().deps, acme.contact.id, ticket.id, note);
    const told = noticesOn(ticket.id).length;
    expect(told).toBeGreaterThan(0);
    const again = await comment(desk().deps, acme.contact.id, ticket.id, note);
    expect(again).toStrictEqual(first);
    expect((await desk().store.tickets.get(ticket.id))?.version).toBe(first.version);
    expect(first.comments.map((entry) => entry.body)).toEqual(['It works now']);
    expect(first.comments[0]!.id).toMatch(/^ck-[\w-]{22}$/);
    expect(
      (await desk().deps.audit.forTicket(first)).filter((event) => event.type === 'commented'),
    ).toHaveLength(1);
    expect(noticesOn(ticket.id)).toHaveLength(told);
  });

  it('is written once also when two tries meet at the same moment', async () => {
    const ticket = await open();
    const note = { body: 'Twice at once', visibility: 'public' as const, idempotencyKey: 'slack:Ev2' };
    await Promise.all([
      comment(desk().deps, acme.contact.id, ticket.id, note),
      comment(desk().deps, acme.contact.id, ticket.id, note),
    ]);
    expect((await desk().store.tickets.get(ticket.id))?.comments.map((entry) => entry.body)).toEqual([
      'Twice at once',
    ]);
  });

  it('is answered, not refused, when repeated after the ticket closed', async () => {
    const ticket = await open();
    const note = { body: 'Thanks', visibility: 'public' as const, idempotencyKey: 'slack:Ev3' };
    await comment(desk().deps, acme.contact.id, ticket.id, note);
    await resolve(desk().deps, acme.agent.id, ticket.id);
    const closed = await accept(desk().deps, acme.contact.id, ticket.id);
    expect(closed.status).toBe('closed');
    expect(await comment(desk().deps, acme.contact.id, ticket.id, note)).toStrictEqual(
      await desk().store.tickets.get(ticket.id),
    );
    expect((await desk().store.tickets.get(ticket.id))?.version).toBe(closed.version);
  });

  it('keys comments apart: another key, or none, is another comment', async () => {
    const ticket = await open();
    const body = { body: 'Same words', visibility: 'public' as const };
    await comment(desk().deps, acme.contact.id, ticket.id, { ...body, idempotencyKey: 'slack:Ev4' });
    await comment(desk().deps, acme.contact.id, ticket.id, { ...body, idempotencyKey: 'teams:Ev4' });
    await comment(desk().deps, acme.contact.id, ticket.id, body);
    await comment(desk().deps, acme.contact.id, ticket.id, body);
    const comments = (await desk().store.tickets.get(ticket.id))!.comments;
    expect(comments).toHaveLength(4);
    expect(new Set(comments.map((entry) => entry.id)).size).toBe(4);
  });
});
