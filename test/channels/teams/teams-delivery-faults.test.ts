import { describe, expect, it } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { performAction } from '../../../src/app/perform-action.ts';
import { relayPending } from '../../../src/app/relay.ts';
import { intakeListeners } from '../../../src/channels/teams/listeners/intake.ts';
import { TRIAGE_CHANNEL, cardOf, useTeamsDesk } from './support/teams-harness.ts';

describe('Teams answering 429 or 5xx to the desk’s messages', () => {
  const harness = useTeamsDesk({ listeners: [intakeListeners] });

  it('what a turn sends back is one attempt too: a 429 is not waited out while Teams waits for the turn', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams faults in turn');
    const kim = await harness().inTeams(acme.contact, { chat: true });
    const chat = harness().personalConversation(kim);
    harness().failNext(429, { retryAfterSeconds: 30, conversation: chat });
    const before = harness().postedTo(chat).length;
    const answer = await harness().send(harness().personalMessage(kim, 'The form, please'));
    expect(answer.status).toBe(200);
    const tries = harness().postedTo(chat).slice(before);
    // The form once, refused; then the bot says it could not, once.
    expect(tries.map((call) => call.failedWith)).toEqual([429, undefined]);
  });

  const cardsFor = (ticketId: string) =>
    harness()
      .postedTo(TRIAGE_CHANNEL)
      .filter((call) => call.answeredId && JSON.stringify(cardOf(call)).includes(ticketId));

  async function open(title: string) {
    const acme = await harness().api.desk.seedCustomer(`Teams faults ${title}`);
    await harness().inTeams(acme.contact, { chat: true });
    const ticket = await openTicket(harness().deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title,
      description: 'x',
    });
    return { acme, ticket };
  }

  it('a 429 holds the triage card for Teams’ Retry-After, then it is posted once', async () => {
    const { deps, api } = harness();
    // Longer than the outbox's own first back-off (30 s): Teams' word is what counts.
    harness().failNext(429, { retryAfterSeconds: 45, conversation: TRIAGE_CHANNEL });
    const { ticket } = await open('Throttled card');
    expect(cardsFor(ticket.id)).toHaveLength(0);
    api.desk.clock.advance(31_000);
    await relayPending(deps);
    expect(cardsFor(ticket.id)).toHaveLength(0);
    api.desk.clock.advance(15_000);
    await relayPending(deps);
    await relayPending(deps);
    expect(cardsFor(ticket.id)).toHaveLength(1);
  });

  it('5xx twice, then success: the card is posted once, and a later change updates that same card', async () => {
    const { deps, api } = harness();
    harness().failNext(503, { times: 2, conversation: TRIAGE_CHANNEL });
    const { acme, ticket } = await open('Connector down');
    for (let attempt = 0; attempt < 4 && cardsFor(ticket.id).length === 0; attempt++) {
      api.desk.clock.advance(10 * 60_000);
      await relayPending(deps);
    }
    const [card] = cardsFor(ticket.id);
    expect(card).toBeDefined();
    expect(harness().calls.filter((c) => c.failedWith === 503)).toHaveLength(2);

    // An update that fails is retried as an update of the same activity, never a second card.
    await harness().inTeams(acme.agent);
    harness().failNext(500, { conversation: TRIAGE_CHANNEL });
    await performAction(deps, acme.agent.id, ticket.id, { name: 'claim' });
    api.desk.clock.advance(10 * 60_000);
    await relayPending(deps);
    await relayPending(deps);
    const updates = harness().calls.filter(
      (c) => c.method === 'PUT' && c.path.endsWith(`/activities/${card!.answeredId}`) && !c.failedWith,
    );
    expect(updates.length).toBeGreaterThan(0);
    expect(cardsFor(ticket.id)).toHaveLength(1);
  });
});
