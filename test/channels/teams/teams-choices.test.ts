import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cardActionListeners } from '../../../src/channels/teams/listeners/card-actions.ts';
import { REFRESH_VERB, escapeCardText } from '../../../src/channels/teams/teams-card.ts';
import { CHOICE_VERB } from '../../../src/channels/teams/teams-choice-cards.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import { translate } from '../../../src/i18n/translate.ts';
import {
  TRIAGE_CHANNEL,
  cardOf,
  executeAction,
  useTeamsDesk,
  type Activity,
  type ConnectorCall,
  type TeamsMember,
} from './support/teams-harness.ts';

const CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

// The cards are JSON the bot sent: the tests look into them freely.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Card = any;

const choiceSetOf = (card: Card) => card.body.find((e: { type: string }) => e.type === 'Input.ChoiceSet');
const textsOf = (card: Card): string[] =>
  card.body.filter((e: { type: string }) => e.type === 'TextBlock').map((e: { text: string }) => e.text);
const actionOf = (card: Card, verb: string) =>
  (card.actions ?? []).find(
    (a: { type?: string; verb?: string }) => a.type === 'Action.Execute' && a.verb === verb,
  );

describe('the Teams triage card', () => {
  const harness = useTeamsDesk({ listeners: [cardActionListeners] });
  const tickets = () => harness().deps.tickets;

  describe('choosing an assignee or a priority on it', () => {
    /** The button pressed on the triage card: answered with the card that asks. */
    async function ask(member: TeamsMember, card: ConnectorCall, verb: string, overrides: Activity = {}) {
      const answer = await harness().send(
        harness().onCard(member, card, executeAction(card, verb), overrides),
      );
      expect(answer.status).toBe(200);
      return answer.body;
    }

    /** The choice card's submit, with `choice` as the value of its input (Teams merges it into the data). */
    const submit = (
      member: TeamsMember,
      card: ConnectorCall,
      choiceCard: Card,
      choice: string,
      overrides = {},
    ) =>
      harness().onCard(
        member,
        card,
        { verb: CHOICE_VERB, data: { ...actionOf(choiceCard, CHOICE_VERB).data, choice } },
        overrides,
      );

    const updatesOf = (card: ConnectorCall) =>
      harness().calls.filter(
        (call) =>
          call.method === 'PUT' &&
          call.path === `/v3/conversations/${TRIAGE_CHANNEL}/activities/${card.answeredId}`,
      );

    it('Assign asks with a people picker; the agent picked is assigned, and the presser sees the card updated', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams pick AB');
      const agent = await harness().inTeams(acme.agent);
      const other = await harness().inTeams(acme.otherAgent);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Who takes this?');

      const asked = await ask(agent, card, 'sladesk:assign');
      expect(asked.type).toBe(CARD_RESPONSE);
      const choiceCard = asked.value;
      expect(choiceSetOf(choiceCard)).toMatchObject({
        id: 'choice',
        isRequired: true,
        label: translate('en', 'teams.choices.assignLabel'),
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      });
      expect(textsOf(choiceCard)).toContain(
        translate('en', 'teams.choices.assignHeading', { id: ticket.id, title: 'Who takes this?' }),
      );
      // The submit carries the card's button; Cancel is the triage card's refresh, asking for no input.
      expect(actionOf(choiceCard, CHOICE_VERB).data).toEqual(executeAction(card, 'sladesk:assign').data);
      expect(actionOf(choiceCard, CHOICE_VERB).title).toBe(translate('en', 'teams.choices.assignSubmit'));
      expect(actionOf(choiceCard, REFRESH_VERB)).toMatchObject({
        title: translate('en', 'teams.choices.cancel'),
        data: { ticketId: ticket.id },
        associatedInputs: 'none',
      });
      // No refresh on the question: Teams would replace it before it is answered.
      expect(choiceCard.refresh).toBeUndefined();
      expect((await tickets().get(ticket.id))?.version).toBe(0);

      const answer = await harness().send(submit(agent, card, choiceCard, other.aadObjectId));
      expect(answer.status).toBe(200);
      const assigned = await tickets().get(ticket.id);
      expect(assigned?.assigneeId).toBe(acme.otherAgent.id);
      // The desk's delivery updated the card for everyone; the presser is shown that very card.
      const updates = updatesOf(card);
      expect(updates.length).toBeGreaterThan(0);
      expect(answer.body.type).toBe(CARD_RESPONSE);
      expect(answer.body.value).toEqual(cardOf(updates.at(-1)!));
      expect(JSON.stringify(answer.body.value)).toContain(escapeCardText(acme.otherAgent.name));
      expect(actionOf(answer.body.value, 'sladesk:assign')).toBeDefined();

      // Asked again, the picker starts with the assignee.
      const again = await ask(agent, card, 'sladesk:assign');
      expect(choiceSetOf(again.value)).toMatchObject({
        value: other.aadObjectId,
        choices: [{ title: acme.otherAgent.name, value: other.aadObjectId }],
      });
    });

    it('refuses a pick who is not one of the desk’s people, with the question again and why; nothing changes', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams bad pick AB');
      const agent = await harness().inTeams(acme.agent);
      const contact = await harness().inTeams(acme.contact);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Not for customers');
      const choiceCard = (await ask(agent, card, 'sladesk:assign')).value;
      const stranger = randomUUID();
      const refusals: [string, string][] = [
        [contact.aadObjectId, translate('en', 'teams.choices.notAnAgent', { name: acme.contact.name })],
        [stranger, errorMessage('en', 'errors.assigneeUnknown', { platform: 'teams', externalId: stranger })],
        ['  ', translate('en', 'teams.choices.required')],
      ];
      for (const [choice, reason] of refusals) {
        const answer = await harness().send(submit(agent, card, choiceCard, choice));
        expect(answer.body.type).toBe(CARD_RESPONSE);
        expect(textsOf(answer.body.value)).toContain(escapeCardText(reason));
        expect(choiceSetOf(answer.body.value).id).toBe('choice');
      }
      const after = await tickets().get(ticket.id);
      expect(after?.version).toBe(0);
      expect(after?.assigneeId).toBeUndefined();
      expect(updatesOf(card)).toEqual([]);
    });

    it('assigns once for one submit delivered twice', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams pick twice AB');
      const agent = await harness().inTeams(acme.agent);
      const other = await harness().inTeams(acme.otherAgent);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Picked once, delivered twice');
      const choiceCard = (await ask(agent, card, 'sladesk:assign')).value;
      const once = submit(agent, card, choiceCard, other.aadObjectId);
      const first = await harness().send(once);
      expect((await tickets().get(ticket.id))?.version).toBe(1);
      const again = await harness().send(once);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const after = await tickets().get(ticket.id);
      expect(after?.version).toBe(1);
      expect(after?.assigneeId).toBe(acme.otherAgent.id);
    });

    it('Priority offers the contract’s priorities in the presser’s language, and sets the one chosen', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams priority AB');
      // The account owner is an agent who reads Swedish.
      const agent = await harness().inTeams(acme.accountOwner);
      const { ticket, card } = await harness().ticketWithCard(acme, 'How urgent?');
      const contract = harness().deps.contracts.contract(acme.organisation.contractId);

      const choiceCard = (await ask(agent, card, 'sladesk:priority')).value;
      expect(choiceSetOf(choiceCard)).toMatchObject({
        id: 'choice',
        label: translate('sv', 'teams.choices.priorityLabel'),
        value: ticket.priority,
        choices: contract.terms.priorities.map((p) => ({ title: p.label.sv, value: p.key })),
      });
      expect(textsOf(choiceCard)).toContain(
        translate('sv', 'teams.choices.priorityHeading', { id: ticket.id, title: 'How urgent?' }),
      );
      expect(actionOf(choiceCard, CHOICE_VERB).title).toBe(translate('sv', 'teams.choices.prioritySubmit'));
      expect(actionOf(choiceCard, REFRESH_VERB).title).toBe(translate('sv', 'teams.choices.cancel'));

      const wanted = contract.terms.priorities[0]!.key;
      expect(wanted).not.toBe(ticket.priority);
      const answer = await harness().send(submit(agent, card, choiceCard, wanted));
      expect((await tickets().get(ticket.id))?.priority).toBe(wanted);
      expect(answer.body.type).toBe(CARD_RESPONSE);
      expect(answer.body.value).toEqual(cardOf(updatesOf(card).at(-1)!));
    });

    it('refuses a priority the contract does not have, in the presser’s language, and nothing changes', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams bad priority AB');
      const english = await harness().inTeams(acme.agent);
      const swedish = await harness().inTeams(acme.accountOwner);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Priority nine');
      const known = harness()
        .deps.contracts.contract(acme.organisation.contractId)
        .terms.priorities.map((p) => p.key)
        .join(', ');
      for (const [member, locale] of [
        [english, 'en'],
        [swedish, 'sv'],
      ] as const) {
        const choiceCard = (await ask(member, card, 'sladesk:priority')).value;
        const answer = await harness().send(submit(member, card, choiceCard, 'P9'));
        expect(answer.body.type).toBe(CARD_RESPONSE);
        expect(textsOf(answer.body.value)).toContain(
          escapeCardText(errorMessage(locale, 'errors.unknownPriority', { priority: 'P9', known })),
        );
      }
      const after = await tickets().get(ticket.id);
      expect(after?.version).toBe(0);
      expect(after?.priority).toBe(ticket.priority);
    });

    it('refuses a customer’s Assign and Priority, and their forged submits, in their words; nothing changes', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams customer choice AB');
      const agent = await harness().inTeams(acme.agent);
      const contact = await harness().inTeams(acme.contact);
      // The colleague has no language of their own: the organisation's (Swedish).
      const colleague = await harness().inTeams(acme.colleague);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Customers choose nothing');
      const message = (locale: 'en' | 'sv', action: string) => ({
        statusCode: 200,
        type: MESSAGE_RESPONSE,
        value: errorMessage(locale, 'errors.agentsOnly', { action }),
      });
      expect(await ask(contact, card, 'sladesk:assign')).toEqual(message('en', 'assign'));
      expect(await ask(colleague, card, 'sladesk:priority')).toEqual(message('sv', 'setPriority'));

      const assign = executeAction(card, 'sladesk:assign').data as object;
      const priority = executeAction(card, 'sladesk:priority').data as object;
      const forged = [
        [contact, { ...assign, choice: agent.aadObjectId }, message('en', 'assign')],
        [colleague, { ...priority, choice: 'P1' }, message('sv', 'setPriority')],
      ] as const;
      for (const [member, data, refused] of forged) {
        const answer = await harness().send(harness().onCard(member, card, { verb: CHOICE_VERB, data }));
        expect(answer.body).toEqual(refused);
      }
      // Nor is a choice submit anything but Assign's or Priority's, whoever sends it.
      const claim = { ...(executeAction(card, 'sladesk:claim').data as object), choice: agent.aadObjectId };
      const answer = await harness().send(harness().onCard(agent, card, { verb: CHOICE_VERB, data: claim }));
      expect(answer.body).toEqual({
        statusCode: 200,
        type: MESSAGE_RESPONSE,
        value: errorMessage('en', 'errors.invalidButton', { channel: 'teams' }),
      });
      const after = await tickets().get(ticket.id);
      expect(after?.version).toBe(0);
      expect(after?.status).toBe('new');
    });

    it('Cancel brings the card back as it was, and changes nothing', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams cancel AB');
      const agent = await harness().inTeams(acme.agent);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Never mind');
      for (const verb of ['sladesk:assign', 'sladesk:priority']) {
        const choiceCard = (await ask(agent, card, verb)).value;
        const cancel = actionOf(choiceCard, REFRESH_VERB);
        const answer = await harness().send(
          harness().onCard(agent, card, { verb: cancel.verb, data: cancel.data }),
        );
        expect(answer.body.type).toBe(CARD_RESPONSE);
        expect(answer.body.value).toEqual(cardOf(card));
      }
      expect((await tickets().get(ticket.id))?.version).toBe(0);
      expect(updatesOf(card)).toEqual([]);
    });
  });

  describe('refreshed for each viewer', () => {
    /** The refresh Teams runs by itself when someone views the card (trigger `automatic`). */
    const refreshOf = (
      member: TeamsMember,
      data: unknown,
      where: { conversationId?: string; replyToId?: string },
      overrides: Activity = {},
    ) =>
      harness().cardAction(member, { verb: REFRESH_VERB, data }, where, {
        value: {
          action: { type: 'Action.Execute', id: randomUUID(), verb: REFRESH_VERB, data },
          trigger: 'automatic',
        },
        ...overrides,
      });

    async function refreshed(member: TeamsMember, card: ConnectorCall, ticketId: string, overrides = {}) {
      const where = { conversationId: TRIAGE_CHANNEL, replyToId: card.answeredId! };
      const answer = await harness().send(refreshOf(member, { ticketId }, where, overrides));
      expect(answer.status).toBe(200);
      expect(answer.body.type).toBe(CARD_RESPONSE);
      return answer.body.value;
    }

    it('the card carries a refresh naming its ticket, without user ids', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams refresh AB');
      const { ticket, card } = await harness().ticketWithCard(acme, 'Refresh me');
      expect(cardOf(card).refresh).toEqual({
        action: { type: 'Action.Execute', verb: REFRESH_VERB, data: { ticketId: ticket.id } },
      });
    });

    it('shows the desk’s people the card with its buttons, a contact of the ticket’s customer without', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams viewers AB');
      const agent = await harness().inTeams(acme.agent);
      const contact = await harness().inTeams(acme.contact);
      const { ticket, card } = await harness().ticketWithCard(acme, 'Seen by whom');
      const posted = cardOf(card);

      const forAgent = await refreshed(agent, card, ticket.id);
      expect(forAgent).toEqual(posted);
      expect(forAgent.actions.length).toBeGreaterThan(0);

      const forContact = await refreshed(contact, card, ticket.id);
      expect(forContact.actions).toBeUndefined();
      expect(forContact.body).toEqual(posted.body);
      // It stays up to date for them too.
      expect(forContact.refresh).toEqual(posted.refresh);

      // Someone the desk does not know sees, without buttons, only what the channel shows them anyway.
      const stranger = harness().addMember({ name: 'Passer-by' });
      const forStranger = await refreshed(stranger, card, ticket.id);
      expect(forStranger.actions).toBeUndefined();
      expect(forStranger.body).toEqual(posted.body);
      expect(await harness().deps.people.findByIdentity('teams', stranger.aadObjectId)).toBeUndefined();
    });

    it('tells a customer of another organisation, or anyone asking from elsewhere, nothing of the ticket', async () => {
      const acme = await harness().api.desk.seedCustomer('Teams owner AB');
      const rival = await harness().api.desk.seedCustomer('Teams rival AB');
      const { ticket, card } = await harness().ticketWithCard(acme, 'Acme’s secret outage');
      const neutral = (locale: 'en' | 'sv', shown: Card) => {
        expect(textsOf(shown)).toEqual([translate(locale, 'teams.unavailable')]);
        expect(shown.actions).toBeUndefined();
        expect(shown.refresh).toBeUndefined();
        const json = JSON.stringify(shown);
        expect(json).not.toContain(ticket.id);
        expect(json).not.toContain('secret');
      };
      // In the triage channel itself: an English contact, and a Swedish one (their organisation's language).
      neutral('en', await refreshed(await harness().inTeams(rival.contact), card, ticket.id));
      neutral('sv', await refreshed(await harness().inTeams(rival.colleague), card, ticket.id));

      // A ticket id sent from anywhere but the card's own message, by someone the desk does not know.
      const stranger = harness().addMember({ name: 'Prober' });
      for (const locale of ['en', 'sv'] as const) {
        const answer = await harness().send(
          refreshOf(stranger, { ticketId: ticket.id }, {}, { locale: locale === 'sv' ? 'sv-SE' : 'en-GB' }),
        );
        expect(answer.body.type).toBe(CARD_RESPONSE);
        neutral(locale, answer.body.value);
      }
      // A ticket Teams has no card of, or no ticket at all.
      const agent = await harness().inTeams(acme.agent);
      for (const data of [{ ticketId: 'SD-999999' }, { ticketId: 42 }, null]) {
        const answer = await harness().send(refreshOf(agent, data, { conversationId: TRIAGE_CHANNEL }));
        expect(answer.body.type).toBe(CARD_RESPONSE);
        expect(textsOf(answer.body.value)).toEqual([translate('en', 'teams.unavailable')]);
      }
    });
  });
});
