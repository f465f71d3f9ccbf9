import { beforeAll, describe, expect, it } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { performAction } from '../../../src/app/perform-action.ts';
import { fireTimer } from '../../../src/app/sla-steps.ts';
import { getTicket } from '../../../src/app/ticket-queries.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import { OPEN_STATUSES, type Ticket } from '../../../src/domain/tickets/ticket.ts';
import { translate } from '../../../src/i18n/translate.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { QUEUE_SHOWN } from '../../../src/channels/web/web-queue.ts';
import { signInAs, useWebWorld, webCall, type Browser } from './support.ts';
import { formOf } from './ticket-pages.ts';

const world = useWebWorld('en');
const HTML = 'text/html';
let acme: SeededCustomer;
let seq = 0;

beforeAll(async () => {
  world().api.desk.clock.set('2026-11-16T09:00:00+01:00');
  acme = await world().api.desk.seedCustomer('Queue Acme');
});

/** A ticket of Acme's, opened by its agent at the clock's instant. */
async function open(priority = 'P3'): Promise<Ticket> {
  return openTicket(world().desk, acme.agent.id, {
    requesterId: acme.contact.id,
    organisationId: acme.organisation.id,
    source: 'api',
    category: 'incident',
    title: `Queue ticket ${++seq}`,
    description: 'The printer is on fire',
    priority,
  });
}

const call = (method: string, path: string, options: Parameters<typeof webCall>[3] = {}) =>
  webCall(world().api.url, method, path, options);

/** The part of the page between an element with `id` and the end of its section. */
function region(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, `region ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

const queuePage = async (browser: Browser) => {
  const answer = await call('GET', '/web/queue', { browser, accept: HTML });
  expect(answer.status).toBe(200);
  return answer.text;
};

const submission = () => `s${Date.now().toString(36)}${++seq}abcdefgh`;

describe('the agents’ queue', () => {
  it('puts unclaimed tickets first, then the least business time left, with the SLA as text', async () => {
    const clock = world().api.desk.clock;
    clock.set('2026-11-16T09:00:00+01:00');
    const standard = await open('P3');
    clock.set('2026-11-16T09:30:00+01:00');
    const urgent = await open('P1');
    const claimedUrgent = await open('P1');
    clock.set('2026-11-16T10:00:00+01:00');
    const claimedStandard = await open('P3');
    await performAction(world().desk, acme.agent.id, claimedUrgent.id, { name: 'claim' });
    await performAction(world().desk, acme.agent.id, claimedStandard.id, { name: 'claim' });
    clock.set('2026-11-16T12:00:00+01:00');

    const ours = [standard, urgent, claimedUrgent, claimedStandard];
    const fresh = await Promise.all(ours.map(async (t) => (await world().desk.tickets.get(t.id))!));
    // Expected from the tickets themselves: unclaimed first, then the earliest running deadline.
    const firstDue = (t: Ticket) =>
      Math.min(t.sla.responseDue.getTime(), t.sla.resolutionDue?.getTime() ?? Infinity);
    const expected = [...fresh]
      .sort((a, b) => (a.assigneeId ? 1 : 0) - (b.assigneeId ? 1 : 0) || firstDue(a) - firstDue(b))
      .map((t) => t.id);
    expect(expected).toEqual([urgent.id, standard.id, claimedUrgent.id, claimedStandard.id]);

    const html = await queuePage(await signInAs(world(), acme.agent.id));
    const rows = [...region(html, 'queue-tickets').matchAll(/<tr class="queue-row" data-ticket="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((id) => ours.some((t) => t.id === id));
    expect(rows).toEqual(expected);
    // The P1 opened 09:30 was due 11:30: at 12:00 it is late by 30 min, as text and as a class.
    const urgentRow = html.slice(html.indexOf(`data-ticket="${urgent.id}"`));
    expect(urgentRow.slice(0, urgentRow.indexOf('</tr>'))).toMatch(
      /<td class="sla sla-late">late by 30 min<\/td>/,
    );
    const standardRow = html.slice(html.indexOf(`data-ticket="${standard.id}"`));
    expect(standardRow.slice(0, standardRow.indexOf('</tr>'))).toMatch(
      /<td class="sla sla-ok">5 h left<\/td>/,
    );
    expect(html).toContain(`href="/web/tickets/${urgent.id}"`);
    expect(html).toMatch(/<th scope="col">SLA<\/th>/);
  });

  it('is refused to a customer contact, on the page and on an action, and nothing changes', async () => {
    const ticket = await open();
    const contact = await signInAs(world(), acme.contact.id);
    const message = translate('en', 'web.queue.deskOnly');
    const page = await call('GET', '/web/queue', { browser: contact, accept: HTML });
    expect(page.status).toBe(403);
    expect(page.text).toContain(message.replace('’', '&#39;').slice(0, 20));
    const json = await call('GET', '/web/queue', { browser: contact });
    expect(json.status).toBe(403);
    expect(json.json.error).toEqual({ code: 'deskOnly', message });
    const claimed = await call('POST', `/web/queue/${ticket.id}/claim`, {
      browser: contact,
      body: { submission: submission() },
    });
    expect(claimed.status).toBe(403);
    const after = (await world().desk.tickets.get(ticket.id))!;
    expect(after.assigneeId).toBeUndefined();
    expect(after.version).toBe(ticket.version);
  });

  it('claims with the page’s form without the script (303 back) and with it (JSON)', async () => {
    const first = await open();
    const second = await open();
    const agent = await signInAs(world(), acme.agent.id);
    const html = await queuePage(agent);
    const fields = formOf(html, `/web/queue/${first.id}/claim`);
    expect(fields.csrf).toBe(agent.csrf);
    expect(fields.back).toBe('/web/queue');
    const posted = await call('POST', `/web/queue/${first.id}/claim`, {
      browser: agent,
      form: fields,
      accept: HTML,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/web/queue');
    expect((await world().desk.tickets.get(first.id))!.assigneeId).toBe(acme.agent.id);

    const sent = await call('POST', `/web/queue/${second.id}/claim`, {
      browser: agent,
      body: { submission: submission() },
    });
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ ok: true, ticket: { id: second.id, assigneeId: acme.agent.id } });
    // A claimed ticket's row offers no claim any more.
    expect(await queuePage(agent)).not.toContain(`action="/web/queue/${second.id}/claim"`);
  });

  it('refuses a claim pressed on a page drawn before someone else claimed the ticket', async () => {
    const ticket = await open();
    const agent = await signInAs(world(), acme.agent.id);
    const other = await signInAs(world(), acme.otherAgent.id);
    const fields = formOf(await queuePage(agent), `/web/queue/${ticket.id}/claim`);
    const first = await call('POST', `/web/queue/${ticket.id}/claim`, {
      browser: other,
      body: { submission: submission() },
    });
    expect(first.status).toBe(200);
    const stale = await call('POST', `/web/queue/${ticket.id}/claim`, { browser: agent, body: fields });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('alreadyClaimed');
    expect(stale.json.error.message).toContain(acme.otherAgent.name);
    expect((await world().desk.tickets.get(ticket.id))!.assigneeId).toBe(acme.otherAgent.id);
  });

  it('assigns, sets the priority, waits and resolves through the app, which refuses what it does not allow', async () => {
    const ticket = await open('P3');
    const agent = await signInAs(world(), acme.agent.id);
    const press = (action: string, body: Record<string, string> = {}) =>
      call('POST', `/web/queue/${ticket.id}/${action}`, {
        browser: agent,
        body: { submission: submission(), ...body },
      });
    const html = await queuePage(agent);
    expect(html).toContain(`<label for="assign-${ticket.id}" class="visually-hidden">`);
    expect(html).toMatch(
      new RegExp(`<select id="priority-${ticket.id}" name="priority" required>.*P1 Business-critical`),
    );
    expect((await press('assign', { assignee: acme.otherAgent.id })).json.ticket.assigneeId).toBe(
      acme.otherAgent.id,
    );
    const unknown = await press('priority', { priority: 'P9' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.code).toBe('unknownPriority');
    expect((await press('priority', { priority: 'P1' })).json.ticket.priority).toBe('P1');
    const missing = await press('assign');
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain(translate('en', 'fields.assignee'));
    expect((await press('wait')).json.ticket.status).toBe('waiting_on_customer');
    const waitAgain = await press('wait');
    expect(waitAgain.status).toBe(409);
    expect(waitAgain.json.error.code).toBe('illegalTransition');
    expect((await press('resolve')).json.ticket.status).toBe('resolved');
    // A resolved ticket is no longer in the queue.
    expect(await queuePage(agent)).not.toContain(`data-ticket="${ticket.id}"`);
  });

  it('keeps an internal note from the customer; a public reply reaches them; a form sent twice is one comment', async () => {
    const ticket = await open();
    const agent = await signInAs(world(), acme.agent.id);
    const note = { submission: submission(), body: 'Root cause: the toner', visibility: 'internal' };
    for (let i = 0; i < 2; i++) {
      const sent = await call('POST', `/web/queue/${ticket.id}/comment`, { browser: agent, body: note });
      expect(sent.status).toBe(200);
    }
    const reply = { submission: submission(), body: 'We are on it', visibility: 'public' };
    expect(
      (await call('POST', `/web/queue/${ticket.id}/comment`, { browser: agent, body: reply })).status,
    ).toBe(200);
    const desk = await getTicket(world().desk, acme.agent.id, ticket.id);
    expect(desk.comments.map((c) => [c.body, c.visibility])).toEqual([
      ['Root cause: the toner', 'internal'],
      ['We are on it', 'public'],
    ]);
    const customer = await getTicket(world().desk, acme.contact.id, ticket.id);
    expect(customer.comments.map((c) => c.body)).toEqual(['We are on it']);
    const bad = await call('POST', `/web/queue/${ticket.id}/comment`, {
      browser: agent,
      body: { submission: submission(), body: 'x', visibility: 'everyone' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalidField');
  });

  it('lists an escalation once its timers fired; Acknowledge takes it off, a stale press is refused', async () => {
    const clock = world().api.desk.clock;
    clock.set('2026-11-17T09:00:00+01:00');
    const ticket = await open('P1');
    const contract = world().desk.contracts.contract(acme.organisation.contractId);
    const levels = plannedTimers(ticket, contract).filter((t) => /^response:level[12]$/.test(t.step));
    expect(levels).toHaveLength(2);
    for (const timer of levels) {
      clock.set(timer.at.toISOString());
      await fireTimer(world().desk, ticket.id, timer.step);
    }
    const agent = await signInAs(world(), acme.otherAgent.id);
    const html = await queuePage(agent);
    const escalations = region(html, 'queue-escalations');
    const row = escalations.slice(escalations.indexOf(`data-ticket="${ticket.id}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('2 · account owner');
    expect(row).toContain(acme.accountOwner.name);
    expect(row).toContain(`datetime="${levels[1]!.at.toISOString()}"`);
    const fields = formOf(escalations, `/web/queue/${ticket.id}/acknowledge`);
    expect(fields.madeFor).toBe('level2');

    // A contact may not acknowledge; nothing changes.
    const contact = await signInAs(world(), acme.contact.id);
    const refused = await call('POST', `/web/queue/${ticket.id}/acknowledge`, {
      browser: contact,
      body: fields,
    });
    expect(refused.status).toBe(403);
    expect((await world().desk.tickets.get(ticket.id))!.sla.acknowledgedLevel).toBe(0);

    // A button made for level 1 is stale once level 2 fired: the app says so.
    const stale = await call('POST', `/web/queue/${ticket.id}/acknowledge`, {
      browser: agent,
      body: { ...fields, madeFor: 'level1', submission: submission() },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('staleAction');

    // Any agent of the desk may acknowledge (the app's rule), not only the person it went to.
    const acknowledged = await call('POST', `/web/queue/${ticket.id}/acknowledge`, {
      browser: agent,
      form: fields,
      accept: HTML,
    });
    expect(acknowledged.status).toBe(303);
    expect((await world().desk.tickets.get(ticket.id))!.sla.acknowledgedLevel).toBe(2);
    expect(region(await queuePage(agent), 'queue-escalations')).not.toContain(`data-ticket="${ticket.id}"`);
  });

  it('shows at most QUEUE_SHOWN rows and says that it left some out', async () => {
    const agent = await signInAs(world(), acme.agent.id);
    const before = region(await queuePage(agent), 'queue-tickets');
    expect(before).not.toContain('class="queue-capped"');
    const already = (
      await world().desk.tickets.list({
        statuses: OPEN_STATUSES,
        limit: 200,
      })
    ).tickets.length;
    for (let n = already; n <= QUEUE_SHOWN; n++) await open('P3');
    const html = region(await queuePage(agent), 'queue-tickets');
    expect([...html.matchAll(/<tr class="queue-row"/g)]).toHaveLength(QUEUE_SHOWN);
    expect(html).toContain(
      translate('en', 'web.queue.shownCapped', { shown: QUEUE_SHOWN, read: QUEUE_SHOWN + 1 }),
    );
  }, 60_000);
});
