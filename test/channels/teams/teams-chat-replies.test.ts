import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linkIdentity } from '../../../src/app/directory.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import { chatReplyListeners } from '../../../src/channels/teams/listeners/chat-replies.ts';
import { intakeListeners } from '../../../src/channels/teams/listeners/intake.ts';
import { SERVICE_URL, TENANT, cardOf, useTeamsDesk, type TeamsMember } from './support/teams-harness.ts';

const locales = { en: JSON.parse(readFileSync('locales/en.json', 'utf8')) };

describe('replies in a person’s chat with the Teams bot', () => {
  const harness = useTeamsDesk({ listeners: [chatReplyListeners, intakeListeners] });

  async function opened(requester: Person, member: TeamsMember, title: string) {
    const { deps } = harness();
    const ticket = await openTicket(deps, requester.id, {
      organisationId: requester.organisationId!,
      requesterId: requester.id,
      source: 'api',
      category: 'incident',
      title,
      description: 'x',
    });
    const chat = harness().personalConversation(member);
    const confirmation = harness()
      .postedTo(chat)
      .find((call) => JSON.stringify(cardOf(call)).includes(ticket.id))!;
    return { ticket, confirmation };
  }

  /** The Send of a card's reply box, with what was written. */
  const replyBoxOf = (card: {
    actions: { type: string; card?: { actions: { verb: string; data: object }[] } }[];
  }) => card.actions.find((a) => a.type === 'Action.ShowCard')!.card!.actions[0]!;

  it('two tickets in one chat keep their own threads; each reply box writes on its own ticket, once', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams chat replies AB');
    const contact = await harness().inTeams(acme.contact, { chat: true });
    const first = await opened(acme.contact, contact, 'First in the chat');
    const second = await opened(acme.contact, contact, 'Second in the chat');
    const chat = harness().personalConversation(contact);
    // Both confirmations are first messages of their own threads, not replies to each other.
    expect(first.confirmation.path).toBe(`/v3/conversations/${chat}/activities`);
    expect(second.confirmation.path).toBe(`/v3/conversations/${chat}/activities`);

    const send = replyBoxOf(cardOf(second.confirmation));
    const written = harness().cardAction(
      contact,
      { verb: send.verb, data: { ...send.data, reply: 'About the second one' } },
      { replyToId: second.confirmation.answeredId! },
    );
    const answer = await harness().send(written);
    expect(JSON.parse(answer.text).value).toBe(
      locales.en.teams.reply.sent.replace('{ticketId}', second.ticket.id),
    );
    await harness().send(written);
    expect((await deps.tickets.get(second.ticket.id))!.comments).toEqual([
      expect.objectContaining({
        body: 'About the second one',
        visibility: 'public',
        authorId: acme.contact.id,
      }),
    ]);
    expect((await deps.tickets.get(first.ticket.id))!.comments).toEqual([]);
  });

  it('a desk message about the ticket replies to its first message in the chat', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams chat thread AB');
    const contact = await harness().inTeams(acme.contact, { chat: true });
    const { ticket, confirmation } = await opened(acme.contact, contact, 'Threaded in the chat');
    const chat = harness().personalConversation(contact);
    await deps.tickets.get(ticket.id);
    const { performAction } = await import('../../../src/app/perform-action.ts');
    await performAction(deps, acme.agent.id, ticket.id, {
      name: 'comment',
      body: 'Which printer?',
      visibility: 'public',
      idempotencyKey: 'chat-thread-question',
    });
    const question = harness().calls.at(-1)!;
    expect(question.path).toBe(`/v3/conversations/${chat}/activities/${confirmation.answeredId}`);
    expect(question.body.replyToId).toBe(confirmation.answeredId);
    expect(JSON.stringify(cardOf(question))).toContain('Which printer?');
  });

  it('a message quoting the ticket’s first message is a reply to it; any other message is intake’s', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams chat quotes AB');
    const contact = await harness().inTeams(acme.contact, { chat: true });
    const { ticket, confirmation } = await opened(acme.contact, contact, 'Quoted in the chat');
    const quoted = harness().personalMessage(contact, 'Quoted text The printer on floor 2', {
      textFormat: 'xml',
      attachments: [
        {
          contentType: 'text/html',
          content:
            `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="${confirmation.answeredId}">` +
            '<strong itemprop="mri">Service desk</strong><p itemprop="preview">Quoted text</p></blockquote>' +
            '<p>The printer on <b>floor 2</b></p>',
        },
      ],
    });
    expect((await harness().send(quoted)).status).toBe(200);
    const entity = harness().personalMessage(contact, 'And the one on floor 3', {
      entities: [{ type: 'quotedReply', quotedReply: { messageId: confirmation.answeredId } }],
    });
    await harness().send(entity);
    expect((await deps.tickets.get(ticket.id))!.comments.map((c) => c.body)).toEqual([
      'The printer on floor 2',
      'And the one on floor 3',
    ]);

    // Not a quote of a ticket's thread: the new-ticket form, and nothing written on the ticket.
    const calls = harness().calls.length;
    await harness().send(harness().personalMessage(contact, 'Something else entirely'));
    const form = harness()
      .calls.slice(calls)
      .find((c) => c.method === 'POST');
    expect(JSON.stringify(cardOf(form!))).toContain('sladesk_new_ticket');
    expect((await deps.tickets.get(ticket.id))!.comments).toHaveLength(2);
  });

  it('a reply box naming a ticket not of this chat (another organisation’s) writes nothing and says so', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams chat own AB');
    const other = await harness().api.desk.seedCustomer('Teams chat other AB');
    const contact = await harness().inTeams(acme.contact, { chat: true });
    const stranger = await harness().inTeams(other.contact, { chat: true });
    const { ticket, confirmation } = await opened(acme.contact, contact, 'Not yours');
    const send = replyBoxOf(cardOf(confirmation));
    const before = (await deps.tickets.get(ticket.id))!.version;
    const forged = harness().cardAction(stranger, {
      verb: send.verb,
      data: { ...send.data, reply: 'Let me see it' },
    });
    const answer = await harness().send(forged);
    expect(JSON.parse(answer.text).value).toBe(locales.en.teams.reply.notHere);
    expect((await deps.tickets.get(ticket.id))!.version).toBe(before);
  });

  it('a manager’s reply under an escalation in their chat is an internal note', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams chat manager AB');
    const manager = await harness().inTeams(acme.incidentManager, { chat: true });
    const { ticket } = await opened(
      acme.contact,
      await harness().inTeams(acme.contact),
      'Escalated in the chat',
    );
    const { fireTimer } = await import('../../../src/app/sla-steps.ts');
    const { plannedTimers } = await import('../../../src/domain/tickets/sla-clock.ts');
    const contract = deps.contracts.contract(acme.organisation.contractId);
    const level1 = plannedTimers(ticket, contract).find((t) => t.step === 'response:level1')!;
    harness().api.desk.clock.set(level1.at.toISOString());
    await fireTimer(deps, ticket.id, level1.step);
    const escalation = harness().postedTo(harness().personalConversation(manager)).at(-1)!;
    const send = replyBoxOf(cardOf(escalation));
    await harness().send(
      harness().cardAction(manager, {
        verb: send.verb,
        data: { ...send.data, reply: 'On it, calling them' },
      }),
    );
    expect((await deps.tickets.get(ticket.id))!.comments).toEqual([
      expect.objectContaining({
        body: 'On it, calling them',
        visibility: 'internal',
        authorId: acme.incidentManager.id,
      }),
    ]);
  });

  it('a chat whose id holds a `|` (the Bot Framework Emulator’s `<id>|livechat`) gets its messages, and its replies are taken', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams livechat AB');
    const member = harness().addMember({ name: 'Emulated' });
    const chat = `${member.aadObjectId}|livechat`;
    await linkIdentity(deps, acme.contact.id, {
      channel: 'teams',
      externalId: member.aadObjectId,
      tenantId: TENANT,
      conversation: { id: chat, serviceUrl: SERVICE_URL },
    });
    const ticket = await openTicket(deps, acme.contact.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Through the emulator',
      description: 'x',
    });
    const confirmation = harness()
      .postedTo(chat)
      .find((call) => JSON.stringify(call.body).includes(ticket.id));
    expect(confirmation?.answeredId).toBeDefined();
    const conversation = { conversationType: 'personal', id: chat, tenantId: TENANT };
    const send = replyBoxOf(cardOf(confirmation!));
    const boxed = await harness().send(
      harness().cardAction(
        member,
        { verb: send.verb, data: { ...send.data, reply: 'From the reply box' } },
        { replyToId: confirmation!.answeredId! },
        { conversation },
      ),
    );
    expect(JSON.parse(boxed.text).value).toBe(locales.en.teams.reply.sent.replace('{ticketId}', ticket.id));
    const quoted = harness().personalMessage(member, 'Quoting it', {
      conversation,
      replyToId: confirmation!.answeredId!,
    });
    expect((await harness().send(quoted)).status).toBe(200);
    expect((await deps.tickets.get(ticket.id))!.comments.map((c) => c.body)).toEqual([
      'From the reply box',
      'Quoting it',
    ]);
  });
});
