import { describe, expect, it } from 'vitest';
import { addContact } from '../../src/app/directory.ts';
import { openTicket, reportAlert, type OpenTicketRequest } from '../../src/app/open-ticket.ts';
import { fireTimer } from '../../src/app/sla-steps.ts';
import { AUTO_CLOSE_STEP } from '../../src/domain/tickets/timers.ts';
import * as actions from '../../src/app/ticket-actions.ts';
import { getTicket, listTickets, ticketHistory } from '../../src/app/ticket-queries.ts';
import { DomainError } from '../../src/domain/domain-error.ts';
import { useTestDesk, type SeededCustomer } from '../support/test-desk.ts';

const desk = useTestDesk();

/** A ticket the customer's first contact opens for their own organisation. */
const openAsContact = (customer: SeededCustomer, fields: Partial<OpenTicketRequest> = {}) =>
  openTicket(desk().deps, customer.contact.id, {
    organisationId: customer.organisation.id,
    requesterId: customer.contact.id,
    source: 'api',
    category: 'incident',
    title: 'a',
    description: 'a',
    ...fields,
  });

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const texts = (recipientId: string) =>
  desk()
    .notifier.sent.filter((n) => n.recipient.kind === 'person' && n.recipient.personId === recipientId)
    .map((n) => n.key);

describe('opening a ticket', () => {
  it('gives the ticket its id at once and tells the requester and the triage channel', async () => {
    const { notifier } = desk();
    const acme = await desk().seedCustomer('Acme');
    const ticket = await openAsContact(acme, { title: 'Invoices fail', description: 'Export crashes' });
    expect(ticket.id).toMatch(/^SD-\d+$/);
    const told = notifier.sent.filter((n) => n.ticketId === ticket.id);
    expect(told.map((n) => [n.recipient.kind, n.key])).toEqual([
      ['person', 'opened'],
      ['triage', 'triageNew'],
    ]);
    // The contact reads English; P3 is 8 business hours, so 09:00 + 8 h ends at closing, Stockholm time.
    expect(told[0]!.text).toBe(
      `Your ticket ${ticket.id} “Invoices fail” is registered. Work starts at the latest 2026-11-16 17:00.`,
    );
    // The triage card offers what an unclaimed ticket allows.
    expect(told[1]!.message.buttons.map((b) => b.action)).toEqual(['claim', 'assign', 'priority']);
  });

  it('lets the desk set priority; the customer only requests one (stratiteq)', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme priorities');
    const base = {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api' as const,
      category: 'incident' as const,
      title: 't',
      description: 'd',
    };
    const asked = await openTicket(deps, acme.contact.id, { ...base, priority: 'P1' });
    expect([asked.priority, asked.requestedPriority]).toEqual(['P3', 'P1']);
    const set = await openTicket(deps, acme.agent.id, { ...base, priority: 'P1' });
    expect([set.priority, set.requestedPriority]).toEqual(['P1', undefined]);
    expect((await refusal(openTicket(deps, acme.contact.id, { ...base, priority: 'P9' }))).code).toBe(
      'unknownPriority',
    );
  });

  it('accepts only registered contacts of the organisation', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme gate');
    const globex = await desk().seedCustomer('Globex gate');
    const request = {
      organisationId: acme.organisation.id,
      requesterId: globex.contact.id,
      source: 'api' as const,
      category: 'order' as const,
      title: 't',
      description: 'd',
    };
    expect((await refusal(openTicket(deps, globex.contact.id, request))).code).toBe('notAContact');
    expect((await refusal(openTicket(deps, acme.contact.id, request))).code).toBe('agentsOnly');
  });

  it('refuses the eleventh contact of a customer', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme eleven');
    for (let i = 3; i <= 10; i++) await addContact(deps, acme.organisation.id, { name: `Contact ${i}` });
    const error = await refusal(addContact(deps, acme.organisation.id, { name: 'Contact 11' }));
    expect(error.code).toBe('tooManyContacts');
    expect((await deps.organisations.get(acme.organisation.id))!.contactIds).toHaveLength(10);
  });
});

describe('who sees and does what', () => {
  it('shows a contact every ticket of their organisation and none of another', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme seeing');
    const globex = await desk().seedCustomer('Globex seeing');
    const mine = await openAsContact(acme);
    const theirs = await openTicket(deps, globex.contact.id, {
      organisationId: globex.organisation.id,
      requesterId: globex.contact.id,
      source: 'api',
      category: 'incident',
      title: 'b',
      description: 'b',
    });
    expect((await getTicket(deps, acme.colleague.id, mine.id)).id).toBe(mine.id);
    expect((await refusal(getTicket(deps, acme.contact.id, theirs.id))).code).toBe('notFound');
    const listed = await listTickets(deps, acme.contact.id, { organisationId: globex.organisation.id });
    expect(listed).toEqual({ tickets: [] });
    const own = await listTickets(deps, acme.colleague.id, {});
    expect(own.tickets.map((t) => t.id)).toEqual([mine.id]);
  });

  it('refuses desk-only actions to customers, on the server', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme refusals');
    const t = await openAsContact(acme);
    // One at a time: each attempt starts only when the previous refusal has been checked.
    for (const attempt of [
      () => actions.claim(deps, acme.contact.id, t.id),
      () => actions.setPriority(deps, acme.contact.id, t.id, 'P1'),
      () => actions.resolve(deps, acme.contact.id, t.id),
      () => actions.comment(deps, acme.contact.id, t.id, { body: 'psst', visibility: 'internal' }),
    ]) {
      expect((await refusal(attempt())).code).toBe('agentsOnly');
    }
    expect((await deps.tickets.get(t.id))!.status).toBe('new');
  });

  it('keeps internal notes from customers', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme notes');
    const t = await openAsContact(acme, { category: 'user_support' });
    await actions.comment(deps, acme.agent.id, t.id, {
      body: 'customer is on old version',
      visibility: 'internal',
    });
    await actions.comment(deps, acme.agent.id, t.id, {
      body: 'Which version do you run?',
      visibility: 'public',
    });
    expect((await getTicket(deps, acme.contact.id, t.id)).comments.map((c) => c.body)).toEqual([
      'Which version do you run?',
    ]);
    expect((await getTicket(deps, acme.agent.id, t.id)).comments).toHaveLength(2);
    const history = await ticketHistory(deps, acme.contact.id, t.id);
    expect(history.filter((e) => e.type === 'commented')).toHaveLength(1);
  });
});

describe('working a ticket', () => {
  it('gives one winner when two agents claim at once, and tells the other who', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme race');
    const t = await openAsContact(acme);
    const results = await Promise.allSettled([
      actions.claim(deps, acme.agent.id, t.id),
      actions.claim(deps, acme.otherAgent.id, t.id),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (await deps.tickets.get(t.id))!.assigneeId;
    const winnerName = winner === acme.agent.id ? acme.agent.name : acme.otherAgent.name;
    expect(lost[0]!.reason).toBeInstanceOf(DomainError);
    expect((lost[0]!.reason as DomainError).params.assignee).toBe(winnerName);
  });

  it('runs the life of a ticket, logs every change, and keeps the SLA timers in step', async () => {
    const { deps, clock, timers } = desk();
    const acme = await desk().seedCustomer('Acme life');
    clock.set('2026-11-16T09:00:00+01:00');
    const t = await openAsContact(acme);
    expect(timers.steps(t.id)).toEqual([
      'response:reminder',
      'response:level1',
      'response:level2',
      'response:level3',
    ]);
    await actions.setPriority(deps, acme.agent.id, t.id, 'P1');
    expect(timers.plans.get(t.id)![1]!.at.toISOString()).toBe(
      new Date('2026-11-16T11:00:00+01:00').toISOString(),
    );
    clock.advance(10 * 60_000);
    await actions.claim(deps, acme.agent.id, t.id);
    await actions.startWork(deps, acme.agent.id, t.id);
    expect(timers.steps(t.id)).toEqual([]);
    await actions.waitOnCustomer(deps, acme.agent.id, t.id);
    await actions.comment(deps, acme.contact.id, t.id, { body: 'Version 4.2', visibility: 'public' });
    expect((await deps.tickets.get(t.id))!.status).toBe('in_progress');
    await actions.resolve(deps, acme.agent.id, t.id);
    expect(texts(acme.contact.id)).toEqual([
      'opened',
      'priorityChanged',
      'assigned',
      'workStarted',
      'waitingOnYou',
      'resolved',
    ]);
    await actions.accept(deps, acme.contact.id, t.id);
    const history = (await ticketHistory(deps, acme.agent.id, t.id)).map((e) => [e.type, e.actorId]);
    expect(history).toEqual([
      ['opened', acme.contact.id],
      ['priority_changed', acme.agent.id],
      ['claimed', acme.agent.id],
      ['work_started', acme.agent.id],
      ['waiting_on_customer', acme.agent.id],
      ['commented', acme.contact.id],
      ['resumed', acme.contact.id],
      ['resolved', acme.agent.id],
      ['accepted', acme.contact.id],
      ['closed', acme.contact.id],
    ]);
  });

  it('tells the customer and the account owner once when effort passes four hours', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme effort');
    const t = await openAsContact(acme, { category: 'order' });
    await actions.recordEffort(deps, acme.agent.id, t.id, { minutes: 180 });
    await actions.recordEffort(deps, acme.agent.id, t.id, { minutes: 90 });
    await actions.recordEffort(deps, acme.agent.id, t.id, { minutes: 30 });
    expect(texts(acme.accountOwner.id)).toEqual(['effortThreshold']);
    expect(texts(acme.contact.id).filter((k) => k === 'effortThreshold')).toHaveLength(1);
    // The account owner reads Swedish.
    const told = desk().notifier.sent.find(
      (n) => n.recipient.kind === 'person' && n.recipient.personId === acme.accountOwner.id,
    )!;
    expect(told.text).toContain('har passerat fyra arbetstimmar (4 tim 30 min)');
  });
});

describe('escalation and closing', () => {
  it('escalates level by level to the right people, once per step, however often a timer fires', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme ladder');
    clock.set('2026-11-16T09:00:00+01:00');
    const t = await openTicket(deps, acme.agent.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Down',
      description: 'd',
      priority: 'P1',
    });
    clock.set('2026-11-16T11:20:00+01:00');
    await Promise.all([
      fireTimer(deps, t.id, 'response:level1'),
      fireTimer(deps, t.id, 'response:level1'),
      fireTimer(deps, t.id, 'response:level1'),
    ]);
    // Not yet due: nothing.
    await fireTimer(deps, t.id, 'response:level2');
    expect(texts(acme.incidentManager.id)).toEqual(['escalated.response']);
    expect(texts(acme.accountOwner.id)).toEqual([]);
    const level1 = desk().notifier.sent.find((n) => n.key === 'escalated.response' && n.ticketId === t.id)!;
    expect(level1.text).toBe(
      `Escalation level 1: work on ticket ${t.id} “Down” (Acme ladder, P1) should have started at 2026-11-16 11:00; it is 20 min late in business time. Owner: nobody yet.`,
    );
    expect(level1.message.buttons).toEqual([{ action: 'acknowledge', ticketId: t.id, madeFor: 'level1' }]);
    clock.set('2026-11-16T13:05:00+01:00');
    await fireTimer(deps, t.id, 'response:level2');
    await fireTimer(deps, t.id, 'response:level3');
    await fireTimer(deps, t.id, 'response:level3');
    expect(texts(acme.accountOwner.id)).toEqual(['escalated.response']);
    expect(texts(acme.ceo.id)).toEqual(['escalated.response']);
    const stored = (await deps.tickets.get(t.id))!;
    expect(stored.sla).toMatchObject({ escalationLevel: 3, responseBreached: true });
    await actions.acknowledge(deps, acme.incidentManager.id, t.id);
    expect((await refusal(actions.acknowledge(deps, acme.ceo.id, t.id))).code).toBe('alreadyAcknowledged');
  });

  it('closes resolved tickets after five silent business days, and not before', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme silence');
    clock.set('2026-11-16T09:00:00+01:00');
    const t = await openAsContact(acme);
    await actions.resolve(deps, acme.agent.id, t.id);
    // The auto-close is the resolved ticket's own timer, due the sixth business day at 00:00.
    const autoCloseAt = (await deps.tickets.get(t.id))!.autoCloseAt!;
    expect(autoCloseAt.toISOString()).toBe(new Date('2026-11-24T00:00:00+01:00').toISOString());
    clock.set('2026-11-23T16:00:00+01:00');
    await fireTimer(deps, t.id, AUTO_CLOSE_STEP);
    expect((await deps.tickets.get(t.id))!.status).toBe('resolved');
    clock.set('2026-11-24T08:00:00+01:00');
    await fireTimer(deps, t.id, AUTO_CLOSE_STEP);
    await fireTimer(deps, t.id, AUTO_CLOSE_STEP);
    const closed = (await deps.tickets.get(t.id))!;
    expect(closed.status).toBe('closed');
    expect(texts(acme.contact.id).filter((key) => key === 'autoClosed')).toHaveLength(1);
    const history = await deps.audit.forTicket(closed);
    expect(history.filter((event) => event.type === 'closed')).toHaveLength(1);
  });

  it('keeps a reopened ticket open when its old auto-close timer fires', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme reopened');
    clock.set('2026-11-16T09:00:00+01:00');
    const t = await openAsContact(acme);
    await actions.resolve(deps, acme.agent.id, t.id);
    await actions.reopen(deps, acme.contact.id, t.id);
    clock.set('2026-11-24T08:00:00+01:00');
    await fireTimer(deps, t.id, AUTO_CLOSE_STEP);
    expect((await deps.tickets.get(t.id))!.status).not.toBe('closed');
  });
});

describe('monitoring alerts', () => {
  it('opens one incident when the same alert fires several times at once', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme storm');
    const report = {
      organisationId: acme.organisation.id,
      alertKey: 'cpu:db02',
      title: 'CPU 100 %',
      description: 'db02',
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => reportAlert(deps, report)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
    const incidents = await deps.tickets.list({ organisationId: acme.organisation.id });
    expect(incidents.tickets.map((t) => t.alertCount)).toEqual([5]);
  });

  it('opens a new incident when the one holding the alert was resolved', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme recurrence');
    const report = {
      organisationId: acme.organisation.id,
      alertKey: 'disk:/data',
      title: 'Disk full',
      description: 'fs01',
    };
    const first = await reportAlert(deps, report);
    await actions.resolve(deps, acme.agent.id, first.ticket.id);
    const [again, alsoAgain] = await Promise.all([reportAlert(deps, report), reportAlert(deps, report)]);
    expect([again.created, alsoAgain.created].sort()).toEqual([false, true]);
    expect(again.ticket.id).toBe(alsoAgain.ticket.id);
    expect(again.ticket.id).not.toBe(first.ticket.id);
  });

  it('opens one incident per alert key and counts repeats instead of duplicating', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme alerts');
    const report = {
      organisationId: acme.organisation.id,
      alertKey: 'disk:/var',
      title: 'Disk 95 %',
      description: 'db01',
    };
    const first = await reportAlert(deps, report);
    const second = await reportAlert(deps, report);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.ticket.id).toBe(first.ticket.id);
    expect(second.ticket.alertCount).toBe(2);
    await actions.resolve(deps, acme.agent.id, first.ticket.id);
    const third = await reportAlert(deps, report);
    expect(third.created).toBe(true);
    expect(third.ticket.category).toBe('incident');
  });
});

describe('what an action hands back', () => {
  it('gives a customer the ticket without the desk’s internal notes', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme handback');
    const t = await openAsContact(acme);
    await actions.comment(deps, acme.agent.id, t.id, { body: 'internal only', visibility: 'internal' });
    const afterReply = await actions.comment(deps, acme.contact.id, t.id, {
      body: 'any news?',
      visibility: 'public',
    });
    expect(afterReply.comments.map((c) => c.body)).toEqual(['any news?']);
  });
});
