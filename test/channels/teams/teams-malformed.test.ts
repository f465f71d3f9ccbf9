import { describe, expect, it } from 'vitest';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { TEAMS_LISTENERS } from '../../../src/channels/teams/teams-listeners.ts';
import { TRIAGE_CHANNEL, cardOf, useTeamsDesk } from './support/teams-harness.ts';

describe('activities Teams could not have meant, signed all the same', () => {
  const harness = useTeamsDesk({ listeners: TEAMS_LISTENERS });

  it('a field of the wrong type, a conversation or sender without its id: refused with 400, nothing written', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams malformed AB');
    const agent = await harness().inTeams(acme.agent);
    const contact = await harness().inTeams(acme.contact, { chat: true });
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Malformed',
      description: 'x',
    });
    const card = harness()
      .postedTo(TRIAGE_CHANNEL)
      .find((call) => JSON.stringify(cardOf(call)).includes(ticket.id))!;
    const inChain = { rootActivityId: card.answeredId! };
    const cases: Record<string, Record<string, unknown>> = {
      replyWithNumberText: harness().channelMessage(agent, 'x', inChain, { text: 42 }),
      replyWithObjectText: harness().channelMessage(agent, 'x', inChain, { text: { a: 1 } }),
      postWithNumberText: harness().channelPost(agent, 'x', {}, { text: 42 }),
      chatWithNumberText: harness().personalMessage(contact, 'x', { text: 42 }),
      channelWithoutConversationId: harness().channelMessage(
        agent,
        'x',
        {},
        {
          conversation: { conversationType: 'channel' },
        },
      ),
      channelWithNumberConversationId: harness().channelMessage(
        agent,
        'x',
        {},
        {
          conversation: { conversationType: 'channel', id: 5 },
        },
      ),
      aadObjectIdAnObject: harness().personalMessage(contact, 'x', {
        from: { id: contact.id, aadObjectId: { $ne: null } },
      }),
      senderWithoutId: harness().personalMessage(contact, 'x', {
        from: { aadObjectId: contact.aadObjectId },
      }),
      installWithoutSenderId: harness().installationUpdate(contact, 'add', {
        from: { aadObjectId: contact.aadObjectId },
      }),
      entitiesNoList: harness().personalMessage(contact, 'x', { entities: { a: 1 } }),
      attachmentsNoList: harness().personalMessage(contact, 'x', { attachments: { a: 1 } }),
      localeANumber: harness().personalMessage(contact, 'x', { locale: 5 }),
    };
    const calls = harness().calls.length;
    const statuses: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const [name, activity] of Object.entries(cases)) {
      statuses[name] = (await harness().send(activity)).status;
      expected[name] = 400;
    }
    expect(statuses).toEqual(expected);
    expect((await deps.tickets.get(ticket.id))!.version).toBe(ticket.version);
    expect(harness().calls.length).toBe(calls);
    expect(harness().logged.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('a message or invoke without an id, which the desk does once by its id: refused with 400, nothing written', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams no id AB');
    const agent = await harness().inTeams(acme.agent);
    const otherAgent = await harness().inTeams(acme.otherAgent);
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Without ids',
      description: 'x',
    });
    const card = harness()
      .postedTo(TRIAGE_CHANNEL)
      .find((call) => JSON.stringify(cardOf(call)).includes(ticket.id))!;
    const inChain = { rootActivityId: card.answeredId! };
    // Two people's notes without ids would be one event: the second would be taken for the first's.
    for (const [member, text] of [
      [agent, 'First note'],
      [otherAgent, 'Second note'],
    ] as const) {
      const note = harness().channelMessage(member, text, inChain, { id: undefined });
      expect((await harness().send(note)).status).toBe(400);
    }
    const empty = harness().channelMessage(agent, 'Third note', inChain, { id: '' });
    expect((await harness().send(empty)).status).toBe(400);
    expect((await deps.tickets.get(ticket.id))!.comments).toEqual([]);
    // An install, which writes nothing twice by its nature, needs none.
    const member = harness().addMember({});
    expect(
      (await harness().send(harness().installationUpdate(member, 'add', { id: undefined }))).status,
    ).toBe(200);
  });
});
