import { describe, expect, it } from 'vitest';
import {
  deskOverview,
  organisationOverview,
  type OverviewTicket,
} from '../../../src/app/chat/desk-overview.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import * as actions from '../../../src/app/ticket-actions.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import { useTestDesk, type SeededCustomer } from '../../support/test-desk.ts';
import { refusal } from './support.ts';

// Monday 09:00 Stockholm: the stratiteq hours are Mon–Fri 08–17, P1 2 h, P2 4 h, P3 8 h.
const desk = useTestDesk('2026-11-16T09:00:00+01:00');

/** A ticket the desk registers for the customer's contact, with the priority it sets. */
const open = (customer: SeededCustomer, title: string, priority = 'P3') =>
  openTicket(desk().deps, customer.agent.id, {
    organisationId: customer.organisation.id,
    requesterId: customer.contact.id,
    source: 'api',
    category: 'incident',
    title,
    description: 'what happened',
    priority,
  });

const ids = (tickets: readonly OverviewTicket[]) => tickets.map((ticket) => ticket.id);
const only = (tickets: readonly OverviewTicket[], wanted: readonly string[]) =>
  ids(tickets).filter((id) => wanted.includes(id));

describe('the desk overview', () => {
  it('orders the open tickets by their earliest running deadline and says which are breached', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Breach order AB');
    const standard = await open(acme, 'standard', 'P3');
    const critical = await open(acme, 'critical', 'P2');
    const business = await open(acme, 'business-critical', 'P1');
    const started = await open(acme, 'started', 'P1');
    await actions.startWork(deps, acme.agent.id, started.id);
    // 09:00 + 2 h = 11:00, + 4 h = 13:00, + 8 h = 17:00 (closing time, all on the Monday).
    clock.set('2026-11-16T12:00:00+01:00');
    const overview = await deskOverview(deps, acme.otherAgent, clock.now());
    const mine = [standard.id, critical.id, business.id, started.id];
    // Work started on one: its response clock stopped, and nothing else runs for it.
    expect(only(overview.closestToBreach, mine)).toEqual([business.id, critical.id, standard.id]);
    const shown = new Map(overview.closestToBreach.map((ticket) => [ticket.id, ticket]));
    expect(shown.get(business.id)).toMatchObject({
      title: 'business-critical',
      priority: 'P1',
      status: 'new',
      timeZone: 'Europe/Stockholm',
      responseBreached: true,
      nextDue: { clock: 'response', at: new Date('2026-11-16T10:00:00Z') },
    });
    expect(shown.get(critical.id)).toMatchObject({
      responseBreached: false,
      nextDue: { clock: 'response', at: new Date('2026-11-16T12:00:00Z') },
    });
    expect(shown.get(standard.id)!.nextDue!.at).toEqual(new Date('2026-11-16T16:00:00Z'));
    expect(overview.breachComplete).toBe(true);
  });

  it('shows a desk person their own open tickets and the unclaimed ones', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Queues AB');
    const claimed = await open(acme, 'claimed by me');
    const theirs = await open(acme, 'claimed by the other agent');
    const free = await open(acme, 'nobody has it');
    const done = await open(acme, 'resolved by me');
    await actions.claim(deps, acme.agent.id, claimed.id);
    await actions.claim(deps, acme.otherAgent.id, theirs.id);
    await actions.claim(deps, acme.agent.id, done.id);
    await actions.resolve(deps, acme.agent.id, done.id);
    const all = [claimed.id, theirs.id, free.id, done.id];

    const overview = await deskOverview(deps, acme.agent, clock.now());
    expect(ids(overview.mine)).toEqual([claimed.id]);
    expect(only(overview.unclaimed, all)).toEqual([free.id]);
    expect(overview.unclaimed.every((ticket) => ticket.assigneeId === undefined)).toBe(true);
    expect(only(overview.closestToBreach, all).sort()).toEqual([claimed.id, theirs.id, free.id].sort());

    const mineOnly = await deskOverview(deps, acme.agent, clock.now(), 'mine');
    expect(ids(mineOnly.mine)).toEqual([claimed.id]);
    expect(mineOnly.unclaimed).toEqual([]);
    expect(mineOnly.closestToBreach).toEqual([]);
  });

  it('is refused to a customer contact, whatever the channel shows', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Refused AB');
    const error = await refusal(deskOverview(deps, acme.contact, clock.now()));
    expect(error.code).toBe('agentsOnly');
  });
});

describe("an organisation's overview", () => {
  it("shows a contact their organisation's open tickets, never another organisation's", async () => {
    const { deps, clock } = desk();
    const first = await desk().seedCustomer('First AB');
    const second = await desk().seedCustomer('Second AB');
    const one = await open(first, 'first one');
    const two = await open(first, 'first two');
    const resolved = await open(first, 'first resolved');
    await actions.resolve(deps, first.agent.id, resolved.id);
    const others = await open(second, 'second one');

    // The colleague opened none of them: the whole organisation's tickets are theirs to see.
    const seen = await organisationOverview(deps, first.colleague, clock.now());
    expect(seen.organisation).toEqual({
      id: first.organisation.id,
      name: 'First AB',
      timeZone: first.organisation.timeZone,
    });
    expect(ids(seen.tickets).sort()).toEqual([one.id, two.id].sort());
    expect(seen.more).toBe(false);

    const theirs = await organisationOverview(deps, second.contact, clock.now());
    expect(ids(theirs.tickets)).toEqual([others.id]);
    expect(theirs.tickets.every((ticket) => ticket.organisationId === second.organisation.id)).toBe(true);
  });

  it('is refused to a desk person, who has no organisation of their own', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Desk side AB');
    const error = await refusal(organisationOverview(deps, acme.agent));
    expect(error.code).toBe('customerOnly');
  });

  it('shows a contact whose organisation has nothing open an empty list', async () => {
    const { deps } = desk();
    const quiet = await desk().seedCustomer('Quiet AB');
    const contact: Person = quiet.contact;
    const seen = await organisationOverview(deps, contact);
    expect(seen.tickets).toEqual([]);
    expect(seen.more).toBe(false);
  });
});
