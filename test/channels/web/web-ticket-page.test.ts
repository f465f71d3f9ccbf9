import { formatInTimeZone } from 'date-fns-tz';
import { beforeAll, describe, expect, it } from 'vitest';
import { performAction } from '../../../src/app/perform-action.ts';
import { fireTimer } from '../../../src/app/sla-steps.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { signInAs, useWebWorld, webCall, type Browser } from './support.ts';
import { formOn, openAs, pageOf, stored, tableText } from './ticket-pages.ts';

const world = useWebWorld('en');
const MINUTE = 60_000;
let n = 0;
const submission = () => `test-submission-${++n}`;

describe('the ticket page: GET /web/tickets/<id> and its actions', () => {
  let acme: SeededCustomer;
  let other: SeededCustomer;
  let contact: Browser;
  let agent: Browser;
  const post = (browser: Browser, path: string, body: Record<string, unknown>) =>
    webCall(world().api.url, 'POST', path, { browser, body: { submission: submission(), ...body } });
  const postForm = (browser: Browser, path: string, form: Record<string, string>) =>
    webCall(world().api.url, 'POST', path, { browser, form, accept: 'text/html' });

  beforeAll(async () => {
    acme = await world().api.desk.seedCustomer('Page Acme');
    other = await world().api.desk.seedCustomer('Page Other');
    contact = await signInAs(world(), acme.contact.id);
    agent = await signInAs(world(), acme.agent.id);
  });

  it('answers 404 for another organisation’s ticket, the same as for an unknown one, as a page and as JSON', async () => {
    const theirs = await openAs(world(), other.contact, 'Their private trouble');
    for (const id of [theirs.id, 'SD-999999']) {
      const page = await pageOf(world(), contact, `/web/tickets/${id}`);
      expect(page.status).toBe(404);
      expect(page.text).not.toContain('Their private trouble');
      const json = await webCall(world().api.url, 'GET', `/web/tickets/${id}`, { browser: contact });
      expect(json.status).toBe(404);
      expect(json.json.error.code).toBe('notFound');
    }
    const before = await stored(world(), theirs.id);
    const reply = await post(contact, `/web/tickets/${theirs.id}/comment`, { body: 'Hello?' });
    expect(reply.status).toBe(404);
    expect((await stored(world(), theirs.id)).version).toBe(before.version);
  });

  it('shows a contact no effort log in the ticket’s JSON either, as on the page', async () => {
    const ticket = await openAs(world(), acme.contact, 'Effort is the desk’s');
    await performAction(world().desk, acme.agent.id, ticket.id, {
      name: 'effort',
      minutes: 30,
      note: 'Internal reasoning about the fix',
    });
    const json = await webCall(world().api.url, 'GET', `/web/tickets/${ticket.id}`, { browser: contact });
    expect(json.status).toBe(200);
    expect(json.text).not.toContain('Internal reasoning');
    expect(json.json.ticket.effort).toBeUndefined();
    const forDesk = await webCall(world().api.url, 'GET', `/web/tickets/${ticket.id}`, { browser: agent });
    expect(forDesk.text).toContain('Internal reasoning');
  });

  it('shows a contact the public history but never an internal note; the desk sees the note marked', async () => {
    const ticket = await openAs(world(), acme.contact, 'Reports are empty');
    const note = await post(agent, `/web/tickets/${ticket.id}/comment`, {
      body: 'Root cause: the nightly job skipped',
      visibility: 'internal',
    });
    expect(note.status).toBe(200);
    await post(agent, `/web/tickets/${ticket.id}/comment`, {
      body: 'We are looking into it',
      visibility: 'public',
    });

    const seen = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    expect(seen.status).toBe(200);
    expect(seen.text).toContain('We are looking into it');
    expect(seen.text).not.toContain('nightly job');
    expect(seen.text).not.toContain('Internal note');
    expect(seen.text).not.toContain('sla-pauses');

    const desk = await pageOf(world(), agent, `/web/tickets/${ticket.id}`);
    expect(desk.text).toMatch(
      /<li class="entry comment internal"><p class="meta"><strong class="badge internal-label">Internal note<\/strong>[^<]*<time[^>]*>[^<]*<\/time><\/p><p>Root cause: the nightly job skipped<\/p>/,
    );
    expect(desk.text).toMatch(
      /<li class="entry comment"><p class="meta">[^<]*<time[^>]*>[^<]*<\/time><\/p><p>We are looking/,
    );
  });

  it('closes a resolved ticket when the contact accepts it with the page’s form, without the script', async () => {
    const ticket = await openAs(world(), acme.contact, 'Cannot log in');
    await performAction(world().desk, acme.agent.id, ticket.id, { name: 'resolve' });
    const page = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    const accept = formOn(page.text, `/web/tickets/${ticket.id}/accept`);
    expect(accept?.madeFor).toBe(`resolved@${(await stored(world(), ticket.id)).resolvedAt!.toISOString()}`);
    const reply = await postForm(contact, `/web/tickets/${ticket.id}/accept`, accept!);
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe(`/web/tickets/${ticket.id}`);
    const closed = await stored(world(), ticket.id);
    expect(closed.status).toBe('closed');
    // A double click sends the form twice: answered the same, and nothing happens twice.
    const twice = await postForm(contact, `/web/tickets/${ticket.id}/accept`, accept!);
    expect(twice.status).toBe(303);
    expect((await stored(world(), ticket.id)).version).toBe(closed.version);
  });

  it('reopens a resolved ticket when the contact says it is not solved', async () => {
    const ticket = await openAs(world(), acme.contact, 'Slow dashboard');
    await performAction(world().desk, acme.agent.id, ticket.id, { name: 'resolve' });
    const page = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    const reopen = formOn(page.text, `/web/tickets/${ticket.id}/reopen`)!;
    const reply = await post(contact, `/web/tickets/${ticket.id}/reopen`, {
      ...reopen,
      reason: 'Still slow',
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ ok: true, ticket: { id: ticket.id, status: 'in_progress' } });
    const history = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    expect(history.text).toContain('said it is not solved: Still slow');
  });

  it('refuses an Accept from a page the ticket has moved on from, and changes nothing', async () => {
    const ticket = await openAs(world(), acme.contact, 'Mail bounces');
    await performAction(world().desk, acme.agent.id, ticket.id, { name: 'resolve' });
    const old = formOn(
      (await pageOf(world(), contact, `/web/tickets/${ticket.id}`)).text,
      `/web/tickets/${ticket.id}/accept`,
    )!;
    await performAction(world().desk, acme.colleague.id, ticket.id, { name: 'reopen', reason: 'not yet' });
    world().api.desk.clock.advance(5 * MINUTE);
    await performAction(world().desk, acme.agent.id, ticket.id, { name: 'resolve' });
    const before = await stored(world(), ticket.id);

    const json = await post(contact, `/web/tickets/${ticket.id}/accept`, old);
    expect(json.status).toBe(409);
    expect(json.json.error.code).toBe('staleAction');
    expect(json.json.error.message).toContain('resolved again');
    const page = await postForm(contact, `/web/tickets/${ticket.id}/accept`, old);
    expect(page.status).toBe(409);
    expect(page.text).toContain('role="alert"');
    const after = await stored(world(), ticket.id);
    expect(after.status).toBe('resolved');
    expect(after.version).toBe(before.version);
  });

  it('lets the contact approve a billable estimate, and keeps the app’s rules on it', async () => {
    const ticket = await openAs(world(), acme.contact, 'New report wanted');
    const flagged = await post(agent, `/web/tickets/${ticket.id}/billable`, {
      estimateMinutes: '120',
      reason: 'Outside the contract',
    });
    expect(flagged.status).toBe(200);
    const early = await post(agent, `/web/tickets/${ticket.id}/effort`, { minutes: '30', billable: 'on' });
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('billableNeedsApproval');
    const byDesk = await post(agent, `/web/tickets/${ticket.id}/approve-estimate`, {});
    expect(byDesk.status).toBe(403);
    expect(byDesk.json.error.code).toBe('customerOnly');
    expect((await stored(world(), ticket.id)).billable?.approvedAt).toBeUndefined();

    const page = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    expect(page.text).toContain('The estimate awaits the customer’s approval.');
    const approve = formOn(page.text, `/web/tickets/${ticket.id}/approve-estimate`)!;
    const approved = await post(contact, `/web/tickets/${ticket.id}/approve-estimate`, approve);
    expect(approved.status).toBe(200);
    expect((await stored(world(), ticket.id)).billable?.approvedBy).toBe(acme.contact.id);
    const logged = await post(agent, `/web/tickets/${ticket.id}/effort`, { minutes: '30', billable: 'on' });
    expect(logged.status).toBe(200);
    const desk = await pageOf(world(), agent, `/web/tickets/${ticket.id}`);
    expect(tableText(desk.text, 'effort')).toMatch(/30 min \| yes\n.*Total \| 30 min/);
  });

  it('carries out the desk’s actions from forms without the script (303) and from the script (JSON)', async () => {
    const ticket = await openAs(world(), acme.contact, 'Printer offline');
    const page = await pageOf(world(), agent, `/web/tickets/${ticket.id}`);
    const claim = formOn(page.text, `/web/tickets/${ticket.id}/claim`)!;
    expect(claim.csrf).toBe(agent.csrf);
    const claimed = await postForm(agent, `/web/tickets/${ticket.id}/claim`, claim);
    expect(claimed.status).toBe(303);
    expect((await stored(world(), ticket.id)).assigneeId).toBe(acme.agent.id);

    const assign = formOn(page.text, `/web/tickets/${ticket.id}/assign`)!;
    expect(page.text).toContain(`<option value="${acme.otherAgent.id}">`);
    const assigned = await postForm(agent, `/web/tickets/${ticket.id}/assign`, {
      ...assign,
      assignee: acme.otherAgent.id,
    });
    expect(assigned.status).toBe(303);
    const priority = await post(agent, `/web/tickets/${ticket.id}/priority`, { priority: 'P2' });
    expect(priority.json).toEqual({ ok: true, ticket: { id: ticket.id, status: 'claimed' } });
    const waiting = await post(agent, `/web/tickets/${ticket.id}/wait`, {});
    expect(waiting.json.ticket.status).toBe('waiting_on_customer');
    const after = await stored(world(), ticket.id);
    expect(after).toMatchObject({
      assigneeId: acme.otherAgent.id,
      priority: 'P2',
      status: 'waiting_on_customer',
    });
    const logged = await postForm(agent, `/web/tickets/${ticket.id}/effort`, {
      submission: submission(),
      minutes: '45',
      note: 'Checked the spooler',
    });
    expect(logged.status).toBe(303);
    expect((await stored(world(), ticket.id)).effort.map((e) => e.minutes)).toEqual([45]);
  });

  it('refuses a contact posting the desk’s actions with the app’s words, and writes nothing', async () => {
    const ticket = await openAs(world(), acme.contact, 'Keyboard sticky');
    const before = await stored(world(), ticket.id);
    const claim = await post(contact, `/web/tickets/${ticket.id}/claim`, {});
    expect(claim.status).toBe(403);
    expect(claim.json.error).toEqual({
      code: 'agentsOnly',
      message: 'only the service desk may do this (claim)',
    });
    const page = await postForm(contact, `/web/tickets/${ticket.id}/resolve`, { submission: submission() });
    expect(page.status).toBe(403);
    expect(page.text).toContain('only the service desk may do this (resolve)');
    const note = await post(contact, `/web/tickets/${ticket.id}/comment`, {
      body: 'psst',
      visibility: 'internal',
    });
    expect(note.status).toBe(403);
    const after = await stored(world(), ticket.id);
    expect(after.version).toBe(before.version);
    expect(after.comments).toEqual([]);
    const shown = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    expect(formOn(shown.text, `/web/tickets/${ticket.id}/claim`)).toBeUndefined();
  });

  it('writes one comment for the same form sent twice', async () => {
    const ticket = await openAs(world(), acme.contact, 'Screen flickers');
    const page = await pageOf(world(), contact, `/web/tickets/${ticket.id}`);
    const reply = formOn(page.text, `/web/tickets/${ticket.id}/comment`)!;
    expect(reply.visibility).toBe('public');
    const form = { ...reply, body: 'It flickers at 60 Hz' };
    expect((await postForm(contact, `/web/tickets/${ticket.id}/comment`, form)).status).toBe(303);
    expect((await postForm(contact, `/web/tickets/${ticket.id}/comment`, form)).status).toBe(303);
    const comments = (await stored(world(), ticket.id)).comments;
    expect(comments.map((c) => c.body)).toEqual(['It flickers at 60 Hz']);
  });

  it('draws the pause of waiting on the customer on the desk’s SLA timeline, with the same in a table', async () => {
    const clock = world().api.desk.clock;
    // A Tuesday morning, inside the contract's opening hours (08–17 Stockholm time).
    clock.set('2026-11-17T09:00:00+01:00');
    const browser = await signInAs(world(), acme.agent.id);
    const ticket = await openAs(world(), acme.contact, 'Invoices missing');
    await performAction(world().desk, acme.agent.id, ticket.id, { name: 'claim' });
    clock.advance(30 * MINUTE);
    const waitedAt = clock.now();
    await post(browser, `/web/tickets/${ticket.id}/wait`, {});
    clock.advance(90 * MINUTE);
    const resumedAt = clock.now();
    await post(browser, `/web/tickets/${ticket.id}/resume`, {});

    const zone = (await world().desk.organisations.get(acme.organisation.id))!.timeZone;
    const local = (at: Date) => formatInTimeZone(at, zone, 'yyyy-MM-dd HH:mm');
    const page = await pageOf(world(), browser, `/web/tickets/${ticket.id}`);
    expect(tableText(page.text, 'sla-pauses')).toBe(
      ['From | To | Business time', `${local(waitedAt)} | ${local(resumedAt)} | 1 h 30 min`].join('\n'),
    );
    const stopped = (await stored(world(), ticket.id)).sla.firstResponseAt!;
    expect(tableText(page.text, 'sla-clocks')).toContain(
      `Response | ${local(ticket.createdAt)} | ${local(ticket.sla.responseDue)} | ${local(stopped)} | Met`,
    );
    expect(page.text).toMatch(
      /<svg class="sla-timeline"[^>]*role="img"[\s\S]*<rect [^>]*><title>Paused: waiting on the customer<\/title><\/rect>/,
    );
  });

  it('shows the desk a breached response clock, the escalation step taken and who acknowledged it', async () => {
    const clock = world().api.desk.clock;
    clock.set('2026-11-18T09:00:00+01:00');
    const browser = await signInAs(world(), acme.agent.id);
    const ticket = await openAs(world(), acme.contact, 'Production is down');
    const urgent = await performAction(world().desk, acme.agent.id, ticket.id, {
      name: 'priority',
      priority: 'P1',
    });
    // P1 gives two business hours to start work; level 1 fires at the deadline itself.
    clock.set('2026-11-18T11:10:00+01:00');
    await fireTimer(world().desk, ticket.id, 'response:level1');
    const escalated = await stored(world(), ticket.id);
    expect(escalated.sla.escalationLevel).toBe(1);

    const zone = (await world().desk.organisations.get(acme.organisation.id))!.timeZone;
    const local = (at: Date) => formatInTimeZone(at, zone, 'yyyy-MM-dd HH:mm');
    const page = await pageOf(world(), browser, `/web/tickets/${ticket.id}`);
    expect(tableText(page.text, 'sla-clocks')).toContain(
      `Response | ${local(ticket.createdAt)} | ${local(urgent.sla.responseDue)} | - | Breached`,
    );
    expect(page.text).toMatch(/<path [^>]*fill="#a3122a"><title>Breached<\/title><\/path>/);
    expect(tableText(page.text, 'escalations')).toMatch(
      /^When \| Step \| What happened\n[^|]+ \| Level 1 \| Response clock past its point/,
    );

    const acknowledge = formOn(page.text, `/web/tickets/${ticket.id}/acknowledge`)!;
    expect(acknowledge.madeFor).toBe('level1');
    expect((await postForm(browser, `/web/tickets/${ticket.id}/acknowledge`, acknowledge)).status).toBe(303);
    const after = await pageOf(world(), browser, `/web/tickets/${ticket.id}`);
    expect(tableText(after.text, 'escalations')).toContain(
      `${local(clock.now())} | Level 1 | Acknowledged by ${acme.agent.name}`,
    );
    expect(formOn(after.text, `/web/tickets/${ticket.id}/acknowledge`)).toBeUndefined();
  });
});
