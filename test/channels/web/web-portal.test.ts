import { beforeAll, describe, expect, it } from 'vitest';
import { performAction } from '../../../src/app/perform-action.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { signInAs, useWebWorld, webCall, type Browser } from './support.ts';
import { openAs, pageOf } from './ticket-pages.ts';

const world = useWebWorld('en');
const HOUR = 3_600_000;

describe('the customer portal: GET /web/tickets', () => {
  let acme: SeededCustomer;
  let other: SeededCustomer;
  let printer: Ticket;
  let vpn: Ticket;
  let secret: Ticket;
  let contact: Browser;
  let agent: Browser;
  const listed = async (browser: Browser, query = '') => {
    const reply = await webCall(world().api.url, 'GET', `/web/tickets${query}`, { browser });
    expect(reply.status).toBe(200);
    return (reply.json.tickets as { id: string }[]).map((ticket) => ticket.id);
  };

  beforeAll(async () => {
    acme = await world().api.desk.seedCustomer('Portal Acme');
    other = await world().api.desk.seedCustomer('Portal Other');
    printer = await openAs(world(), acme.contact, 'Printer jams on tray 2');
    vpn = await openAs(world(), acme.colleague, 'VPN drops every hour');
    secret = await openAs(world(), other.contact, 'Other organisation confidential matter');
    contact = await signInAs(world(), acme.contact.id);
    agent = await signInAs(world(), acme.agent.id);
  });

  it('shows a contact every ticket of their organisation, a colleague’s too, and never another’s', async () => {
    const page = await pageOf(world(), contact, '/web/tickets');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/web/tickets/${printer.id}"`);
    expect(page.text).toContain(`href="/web/tickets/${vpn.id}"`);
    expect(page.text).toContain('VPN drops every hour');
    expect(page.text).not.toContain(secret.id);
    expect(page.text).not.toContain('confidential');
    expect(page.text).toMatch(/<th scope="col">/);
    expect(page.text).toContain('id="ticket-list" data-live');
  });

  it('keeps a contact to their organisation even when the query names another', async () => {
    const page = await pageOf(world(), contact, `/web/tickets?organisation=${other.organisation.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(secret.id);
    expect(await listed(contact, `?organisation=${other.organisation.id}`)).not.toContain(secret.id);
    expect(await listed(contact, `?q=${secret.id}`)).toEqual([]);
  });

  it('shows the desk every organisation’s tickets and filters them by organisation', async () => {
    const all = await listed(agent);
    expect(all).toEqual(expect.arrayContaining([printer.id, vpn.id, secret.id]));
    const others = await listed(agent, `?organisation=${other.organisation.id}`);
    expect(others).toContain(secret.id);
    expect(others).not.toContain(printer.id);
    const page = await pageOf(world(), agent, '/web/tickets');
    expect(page.text).toContain('<label for="filter-organisation">Organisation</label>');
  });

  it('filters by status, priority and text in the id or title', async () => {
    await performAction(world().desk, acme.agent.id, vpn.id, { name: 'resolve' });
    await performAction(world().desk, acme.agent.id, printer.id, { name: 'priority', priority: 'P1' });
    expect(await listed(contact, '?status=resolved')).toEqual([vpn.id]);
    expect(await listed(contact, '?status=open')).toEqual([printer.id]);
    expect(await listed(contact, '?priority=P1')).toEqual([printer.id]);
    expect(await listed(contact, '?q=tray')).toEqual([printer.id]);
    expect(await listed(contact, `?q=${vpn.id.toLowerCase()}`)).toEqual([vpn.id]);
    expect(await listed(contact, '?q=TRAY&status=resolved')).toEqual([]);
    // An empty field of the GET form is no filter.
    expect(await listed(contact, '?status=&priority=&q=')).toEqual(
      expect.arrayContaining([printer.id, vpn.id]),
    );
  });

  it('refuses a bad filter with a 400 naming the field, as a page and as JSON', async () => {
    const json = await webCall(world().api.url, 'GET', '/web/tickets?status=sleeping', { browser: contact });
    expect(json.status).toBe(400);
    expect(json.json.error.code).toBe('invalidField');
    expect(json.json.error.message).toContain('“status”');
    const page = await pageOf(world(), contact, '/web/tickets?cursor=nonsense');
    expect(page.status).toBe(400);
    expect(page.text).toContain('“cursor”');
  });

  it('shows the SLA state in words, from on time to late', async () => {
    const onTime = await pageOf(world(), contact, '/web/tickets?status=open');
    expect(onTime.text).toMatch(/class="sla-ok">On time<\/span> <span class="sla-detail">Response: 2 h left/);
    // P1 gives two business hours to start; three business hours on, the response is late.
    world().api.desk.clock.advance(3 * HOUR);
    const late = await pageOf(world(), contact, '/web/tickets?status=open');
    expect(late.text).toMatch(/class="sla-late">Late<\/span> <span class="sla-detail">Response: late by 1 h/);
    expect(await listed(contact, '?status=open')).toEqual([printer.id]);
  });

  it('pages through the list with the store’s cursor', async () => {
    const many = await world().api.desk.seedCustomer('Portal Many');
    const opened: string[] = [];
    for (let i = 0; i < 27; i++) opened.push((await openAs(world(), many.contact, `Question ${i}`)).id);
    const browser = await signInAs(world(), many.contact.id);
    const first = await webCall(world().api.url, 'GET', '/web/tickets', { browser });
    expect(first.json.tickets).toHaveLength(25);
    expect(first.json.next).toBeDefined();
    const page = await pageOf(world(), browser, '/web/tickets');
    expect(page.text).toContain(`href="/web/tickets?cursor=${first.json.next}" rel="next"`);
    const second = await webCall(world().api.url, 'GET', `/web/tickets?cursor=${first.json.next}`, {
      browser,
    });
    const seen = [...first.json.tickets, ...second.json.tickets].map((t: { id: string }) => t.id);
    expect(new Set(seen)).toEqual(new Set(opened));
  });

  it('keeps the chat page’s link to the ticket page working', async () => {
    const page = await pageOf(world(), contact, `/web/tickets/${printer.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Printer jams on tray 2');
  });
});
