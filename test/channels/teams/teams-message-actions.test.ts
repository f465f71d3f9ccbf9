import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapCustomerPlace } from '../../../src/app/chat/customer-places.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { TEAMS_LISTENERS } from '../../../src/channels/teams/teams-listeners.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import { translate } from '../../../src/i18n/translate.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import {
  SERVICE_URL,
  TRIAGE_CHANNEL,
  cardOf,
  useTeamsDesk,
  type MessageInChannel,
  type TeamsMember,
} from './support/teams-harness.ts';

const locales = {
  en: JSON.parse(readFileSync('locales/en.json', 'utf8')),
  sv: JSON.parse(readFileSync('locales/sv.json', 'utf8')),
};
const said = (locale: 'en' | 'sv', key: string, params: Record<string, string> = {}) =>
  translate(locale, `teams.messageActions.${key}`, params);

type Element = { type: string; id?: string; value?: string; text?: string; items?: Element[] };

describe('the desk’s message actions in Teams', () => {
  const harness = useTeamsDesk({ listeners: TEAMS_LISTENERS });
  let messages = 0;
  const GENERAL = '19:harness-general@thread.tacv2';

  const act = (
    member: TeamsMember,
    invoke: 'fetchTask' | 'submitAction',
    command: string,
    message: MessageInChannel,
    data?: unknown,
  ) => harness().send(harness().messageAction(member, invoke, command, message, data));

  const inputsOf = (card: { body: Element[] }) =>
    Object.fromEntries(card.body.filter((e) => e.type.startsWith('Input.')).map((e) => [e.id, e.value]));

  const ticketsOf = async (customer: SeededCustomer) =>
    (await harness().deps.tickets.list({ organisationId: customer.organisation.id })).tickets;

  describe('Create ticket', () => {
    it('a message payload whose fields are not Teams’ types is a message without words, not a failure', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams odd payload AB');
      const contact = await harness().inTeams(acme.contact);
      const message: MessageInChannel = { id: `17000000${++messages}`, channel: GENERAL, html: 'x' };
      const activity = harness().messageAction(contact, 'fetchTask', 'createTicket', message);
      const value = activity.value as { messagePayload: Record<string, unknown> };
      value.messagePayload = { ...value.messagePayload, id: 17, replyToId: {}, body: { content: 5 } };
      const errors = harness().logged.filter((entry) => entry.level === 'error').length;
      const fetched = await harness().send(activity);
      expect(fetched.status).toBe(200);
      expect(fetched.body.task.type).toBe('continue');
      expect(harness().logged.filter((entry) => entry.level === 'error')).toHaveLength(errors);
    });

    it('shows the form filled with the message, and its submit opens one ticket with the message’s link', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams create AB');
      const contact = await harness().inTeams(acme.contact);
      const message: MessageInChannel = {
        id: `17000000${++messages}`,
        channel: GENERAL,
        html: '<div><p><at id="0">Kim</at> Invoices fail to export</p><p>Since Monday &amp; it&#39;s urgent</p></div>',
      };
      const fetched = await act(contact, 'fetchTask', 'createTicket', message);
      expect(fetched.status).toBe(200);
      expect(fetched.body.task.type).toBe('continue');
      expect(fetched.body.task.value.title).toBe(locales.en.ticketForm.heading);
      const card = fetched.body.task.value.card;
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(inputsOf(card.content)).toMatchObject({
        title: 'Invoices fail to export',
        description: "Invoices fail to export\nSince Monday & it's urgent",
      });
      // A dialog's card submits to the action, not as a Universal Action.
      expect(card.content.actions.map((a: { type: string }) => a.type)).toEqual(['Action.Submit']);

      const submit = harness().messageAction(contact, 'submitAction', 'createTicket', message, {
        title: 'Invoices fail to export',
        description: 'Since Monday',
        category: 'incident',
        impact: 'all',
      });
      const answer = await harness().send(submit);
      await harness().send(submit);
      const opened = await ticketsOf(acme);
      expect(opened).toHaveLength(1);
      const ticket = opened[0]!;
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        task: { type: 'message', value: translate('en', 'teams.formSent', { id: ticket.id }) },
      });
      expect(ticket.title).toBe('Invoices fail to export');
      expect(ticket.description).toContain('Since Monday');
      expect(ticket.description).toContain(`https://teams.microsoft.com/l/message/${GENERAL}/${message.id}`);
      // A channel nobody mapped to the customer is no place to answer them: no origin there.
      expect(ticket.origin).toBeUndefined();
    });

    it('a post in the requester’s own customer channel becomes the ticket’s conversation, and opens no second ticket', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams create in channel AB');
      const channel = '19:harness-create-customer@thread.tacv2';
      await mapCustomerPlace(harness().deps, {
        channel: 'teams',
        place: `${SERVICE_URL}|${channel}`,
        organisationId: acme.organisation.id,
      });
      const contact = await harness().inTeams(acme.contact);
      const message: MessageInChannel = { id: `17000000${++messages}`, channel, html: 'Thanks!' };
      const form = { title: 'Scanner offline', description: '', category: 'incident', impact: 'one' };
      const submit = harness().messageAction(contact, 'submitAction', 'createTicket', message, form);
      const first = await harness().send(submit);
      // Delivered again, the submit is answered as the first was, though the post is a ticket's now.
      const redelivered = await harness().send(submit);
      const [ticket] = await ticketsOf(acme);
      expect(first.body.task.value).toBe(translate('en', 'teams.formSent', { id: ticket!.id }));
      expect(redelivered.body).toEqual(first.body);
      expect(ticket?.origin?.thread).toBe(`${SERVICE_URL}|${channel};messageid=${message.id}`);
      const chain = harness().postedTo(`${channel};messageid=${message.id}`);
      expect(chain.some((call) => JSON.stringify(call.body).includes(ticket!.id))).toBe(true);

      const again = await act(contact, 'fetchTask', 'createTicket', message);
      expect(again.body).toEqual({
        task: { type: 'message', value: said('en', 'alreadyATicket', { id: ticket!.id }) },
      });
      const twice = await act(contact, 'submitAction', 'createTicket', message, form);
      expect(twice.body.task.value).toBe(said('en', 'alreadyATicket', { id: ticket!.id }));
      expect(await ticketsOf(acme)).toHaveLength(1);
    });

    it('a form with errors comes back with them, in Swedish; the desk’s people and strangers are refused', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams create refused AB');
      const colleague = await harness().inTeams(acme.colleague);
      const message: MessageInChannel = { id: `17000000${++messages}`, channel: GENERAL, html: 'x' };
      const wrong = await act(colleague, 'submitAction', 'createTicket', message, {
        title: ' ',
        impact: 'one',
      });
      expect(wrong.body.task.type).toBe('continue');
      const texts = (wrong.body.task.value.card.content.body as Element[]).map((e) => e.text);
      expect(texts).toContain(locales.sv.ticketForm.errors.titleEmpty);
      expect(wrong.body.task.value.title).toBe(locales.sv.ticketForm.heading);

      const agent = await harness().inTeams(acme.agent);
      const refused = await act(agent, 'fetchTask', 'createTicket', message);
      expect(refused.body).toEqual({
        task: {
          type: 'message',
          value: errorMessage('en', 'errors.customerOnly', { action: 'openFromChat' }),
        },
      });
      const stranger = harness().addMember({ name: 'Eve', email: 'eve@elsewhere.example' });
      const unknown = await act(stranger, 'fetchTask', 'createTicket', message);
      expect(unknown.body.task.type).toBe('message');
      expect(unknown.body.task.value).toContain(stranger.aadObjectId);
      expect(await ticketsOf(acme)).toEqual([]);
    });
  });

  describe('Send to customer', () => {
    /** A ticket, its triage card, and an agent's internal note in the card's reply chain. */
    async function noteOnTicket(customer: SeededCustomer, agent: TeamsMember, note: string) {
      const ticket = await openTicket(harness().deps, customer.contact.id, {
        organisationId: customer.organisation.id,
        requesterId: customer.contact.id,
        source: 'api',
        category: 'incident',
        title: `Send to customer ${++messages}`,
        description: 'x',
      });
      const card = harness()
        .postedTo(TRIAGE_CHANNEL)
        .find((call) => JSON.stringify(cardOf(call)).includes(ticket.id))!;
      const reply = harness().channelMessage(agent, note, { rootActivityId: card.answeredId! });
      await harness().send(reply);
      const message: MessageInChannel = {
        id: reply.id as string,
        channel: TRIAGE_CHANNEL,
        rootActivityId: card.answeredId!,
        html: `<p>${note}</p>`,
      };
      return { ticket, card, message };
    }

    it('by an agent, on a note in the triage chain: confirmed, then a public comment the requester reads, once', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams send AB');
      const agent = await harness().inTeams(acme.agent);
      const requester = await harness().inTeams(acme.contact, { chat: true });
      const { ticket, message } = await noteOnTicket(acme, agent, 'The fix is deployed, please retry');
      const noted = (await harness().deps.tickets.get(ticket.id))!;
      expect(noted.comments.map((c) => c.visibility)).toEqual(['internal']);

      const fetched = await act(agent, 'fetchTask', 'sendToCustomer', message);
      expect(fetched.body.task.type).toBe('continue');
      expect(fetched.body.task.value.title).toBe(said('en', 'confirmTitle'));
      expect(JSON.stringify(fetched.body.task.value.card.content)).toContain(
        'The fix is deployed, please retry',
      );

      const chat = harness().personalConversation(requester);
      const before = harness().postedTo(chat).length;
      const submit = harness().messageAction(agent, 'submitAction', 'sendToCustomer', message, {});
      const answer = await harness().send(submit);
      expect(answer.body).toEqual({
        task: { type: 'message', value: said('en', 'sent', { id: ticket.id }) },
      });
      await harness().send(submit);
      // Chosen again on the same message: still the one comment.
      await act(agent, 'submitAction', 'sendToCustomer', message, {});
      const sent = (await harness().deps.tickets.get(ticket.id))!;
      expect(sent.comments.filter((c) => c.visibility === 'public')).toEqual([
        expect.objectContaining({ body: 'The fix is deployed, please retry', authorId: acme.agent.id }),
      ]);
      expect(sent.comments.filter((c) => c.visibility === 'internal')).toHaveLength(1);
      const told = harness().postedTo(chat).slice(before);
      expect(told.some((call) => JSON.stringify(call.body).includes('The fix is deployed'))).toBe(true);
    });

    it('by a customer it is refused, in their language, also when the dialog is skipped', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams send refused AB');
      const agent = await harness().inTeams(acme.agent);
      const { ticket, message } = await noteOnTicket(
        acme,
        agent,
        'Internal: the customer’s VPN is misconfigured',
      );
      const colleague = await harness().inTeams(acme.colleague);
      const before = (await harness().deps.tickets.get(ticket.id))!.version;
      const fetched = await act(colleague, 'fetchTask', 'sendToCustomer', message);
      expect(fetched.body).toEqual({ task: { type: 'message', value: said('sv', 'deskOnly') } });
      const submitted = await act(colleague, 'submitAction', 'sendToCustomer', message, {});
      expect(submitted.body).toEqual({ task: { type: 'message', value: said('sv', 'deskOnly') } });
      const after = (await harness().deps.tickets.get(ticket.id))!;
      expect(after.version).toBe(before);
      expect(after.comments.filter((c) => c.visibility === 'public')).toEqual([]);
    });

    it('on a message that is no reply in a ticket’s triage chain, says so (in Swedish to a Swedish agent)', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams send elsewhere AB');
      const agent = await harness().inTeams(acme.agent);
      const swedish = await harness().inTeams(acme.accountOwner);
      const { ticket, card } = await noteOnTicket(acme, agent, 'Looking into it');
      const elsewhere: MessageInChannel = {
        id: `17000000${++messages}`,
        channel: TRIAGE_CHANNEL,
        rootActivityId: '999999',
        html: 'Lunch?',
      };
      const theCard: MessageInChannel = { id: card.answeredId!, channel: TRIAGE_CHANNEL, html: 'card' };
      const inChat: MessageInChannel = { id: `17000000${++messages}`, html: 'Hello' };
      for (const message of [elsewhere, theCard, inChat]) {
        for (const invoke of ['fetchTask', 'submitAction'] as const) {
          const english = await act(agent, invoke, 'sendToCustomer', message, {});
          expect({ message, invoke, body: english.body }).toEqual({
            message,
            invoke,
            body: { task: { type: 'message', value: said('en', 'notATicketThread') } },
          });
        }
      }
      const inSwedish = await act(swedish, 'fetchTask', 'sendToCustomer', elsewhere);
      expect(inSwedish.body.task.value).toBe(said('sv', 'notATicketThread'));
      expect(said('sv', 'notATicketThread')).not.toBe(said('en', 'notATicketThread'));
      const after = (await harness().deps.tickets.get(ticket.id))!;
      expect(after.comments.filter((c) => c.visibility === 'public')).toEqual([]);
    });

    it('leaves commands that are not the desk’s', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams foreign command AB');
      const agent = await harness().inTeams(acme.agent);
      const answer = await act(agent, 'fetchTask', 'somebodyElses', {
        id: `17000000${++messages}`,
        channel: GENERAL,
        html: 'x',
      });
      expect(answer.status).toBe(501);
    });
  });
});
