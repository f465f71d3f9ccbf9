import { describe, expect, it } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { replyListeners } from '../../../src/channels/teams/listeners/replies.ts';
import { TRIAGE_CHANNEL, cardOf, useTeamsDesk } from './support/teams-harness.ts';

describe('replies in a Teams channel’s reply chain', () => {
  const harness = useTeamsDesk({ listeners: [replyListeners] });

  it('under the triage card are internal notes, once each; a customer there is refused; elsewhere nothing is taken', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams replies AB');
    const agent = await harness().inTeams(acme.agent);
    const contact = await harness().inTeams(acme.contact);
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Replies in Teams',
      description: 'x',
    });
    const card = harness()
      .postedTo(TRIAGE_CHANNEL)
      .find((call) => JSON.stringify(cardOf(call)).includes(ticket.id))!;
    const note = harness().channelMessage(agent, '<at>sladesk</at> Checked the logs', {
      rootActivityId: card.answeredId!,
    });
    expect((await harness().send(note)).status).toBe(200);
    await harness().send(note);
    const noted = (await deps.tickets.get(ticket.id))!;
    expect(noted.comments.filter((c) => c.body === 'Checked the logs')).toEqual([
      expect.objectContaining({ visibility: 'internal', authorId: acme.agent.id }),
    ]);

    const before = noted.version;
    await harness().send(
      harness().channelMessage(contact, 'Let me in', { rootActivityId: card.answeredId! }),
    );
    expect((await deps.tickets.get(ticket.id))!.version).toBe(before);
    const refusal = harness()
      .calls.filter((c) => c.method === 'POST' && c.path.includes(`messageid=${card.answeredId}`))
      .at(-1);
    expect(refusal?.body.text).toMatch(/service desk/);

    const unrelated = harness().channelMessage(agent, 'Lunch?', { rootActivityId: '999999' });
    const calls = harness().calls.length;
    expect((await harness().send(unrelated)).status).toBe(200);
    expect(harness().calls.length).toBe(calls);
  });
});
