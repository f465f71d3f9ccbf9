import { describe, expect, it } from 'vitest';
import { cardActionListeners } from '../../../src/channels/teams/listeners/card-actions.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import { translate } from '../../../src/i18n/translate.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import {
  TRIAGE_CHANNEL,
  cardOf,
  executeAction,
  useTeamsDesk,
  type ConnectorCall,
  type TeamsMember,
} from './support/teams-harness.ts';

const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

describe('pressing a card’s button in Teams', () => {
  const harness = useTeamsDesk({ listeners: [cardActionListeners] });
  const tickets = () => harness().deps.tickets;

  const ticketWithCard = (customer: SeededCustomer, title: string) =>
    harness().ticketWithCard(customer, title);

  const pressOn = (member: TeamsMember, card: ConnectorCall, verb: string, overrides = {}) =>
    harness().onCard(member, card, executeAction(card, verb), overrides);

  it('an agent’s Claim claims the ticket, is answered in words, and the card is updated in place', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams claim AB');
    const agent = await harness().inTeams(acme.agent);
    const { ticket, card } = await ticketWithCard(acme, 'Printer on fire');
    const answer = await harness().send(pressOn(agent, card, 'sladesk:claim'));
    expect(answer.status).toBe(200);
    const claimed = await tickets().get(ticket.id);
    expect(claimed?.status).toBe('claimed');
    expect(claimed?.assigneeId).toBe(acme.agent.id);
    expect(answer.body).toEqual({
      statusCode: 200,
      type: MESSAGE_RESPONSE,
      value: translate('en', 'teams.done', {
        ticketId: ticket.id,
        status: translate('en', 'statuses.claimed'),
      }),
    });
    // The desk's delivery brought the card up to date where it stands.
    const updates = harness().calls.filter(
      (call) =>
        call.method === 'PUT' &&
        call.path === `/v3/conversations/${TRIAGE_CHANNEL}/activities/${card.answeredId}`,
    );
    expect(updates.length).toBeGreaterThan(0);
    expect(JSON.stringify(cardOf(updates.at(-1)!))).not.toContain('sladesk:claim');
  });

  it('refuses a customer’s Claim in their words, and nothing changes', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams customer claim AB');
    const contact = await harness().inTeams(acme.colleague);
    const { ticket, card } = await ticketWithCard(acme, 'Customer presses Claim');
    const before = await tickets().get(ticket.id);
    const answer = await harness().send(pressOn(contact, card, 'sladesk:claim', { locale: 'sv-SE' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      statusCode: 200,
      type: MESSAGE_RESPONSE,
      value: errorMessage('sv', 'errors.agentsOnly', { action: 'claim' }),
    });
    const after = await tickets().get(ticket.id);
    expect(after?.version).toBe(before?.version);
    expect(after?.status).toBe('new');
  });

  it('acts once on the same activity delivered twice', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams redelivery AB');
    const agent = await harness().inTeams(acme.agent);
    const { ticket, card } = await ticketWithCard(acme, 'Pressed once, delivered twice');
    const before = (await tickets().get(ticket.id))!.version!;
    const press = pressOn(agent, card, 'sladesk:claim');
    const first = await harness().send(press);
    const once = (await tickets().get(ticket.id))!.version!;
    expect(once).toBe(before + 1);
    const again = await harness().send(press);
    expect(again.status).toBe(200);
    // The first may still be at work when Teams sends it again: the answer says received, and
    // never a status the press did not come to.
    expect(first.body.value).toContain(translate('en', 'statuses.claimed'));
    expect(again.body.value).toBe(translate('en', 'teams.received', { ticketId: ticket.id }));
    expect((await tickets().get(ticket.id))!.version).toBe(once);
  });

  it('refuses forged data: a button the card never carried does nothing', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams forged AB');
    const agent = await harness().inTeams(acme.agent);
    const { ticket, card } = await ticketWithCard(acme, 'Forged press');
    const before = await tickets().get(ticket.id);
    const refused = errorMessage('en', 'errors.invalidButton', { channel: 'teams' });
    const forgeries = [
      // Something added to the desk's button.
      { verb: 'sladesk:claim', data: { action: 'claim', ticketId: ticket.id, assigneeId: 'someone' } },
      // A verb that is not the button's action.
      { verb: 'sladesk:resolve', data: { action: 'claim', ticketId: ticket.id } },
      // An action the desk has no button for.
      { verb: 'sladesk:delete', data: { action: 'delete', ticketId: ticket.id } },
      // No button at all.
      { verb: 'sladesk:claim', data: 'claim' },
    ];
    for (const action of forgeries) {
      const answer = await harness().send(
        harness().cardAction(agent, action, { conversationId: TRIAGE_CHANNEL, replyToId: card.answeredId! }),
      );
      expect({ action, status: answer.status, body: answer.body }).toEqual({
        action,
        status: 200,
        body: { statusCode: 200, type: MESSAGE_RESPONSE, value: refused },
      });
    }
    const after = await tickets().get(ticket.id);
    expect(after?.version).toBe(before?.version);
    expect(after?.status).toBe('new');
  });

  it('answers Assign and Priority with a card that asks, and leaves verbs that are not the desk’s', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams assign AB');
    const agent = await harness().inTeams(acme.agent);
    const { ticket, card } = await ticketWithCard(acme, 'Needs a choice');
    for (const verb of ['sladesk:assign', 'sladesk:priority']) {
      const asked = await harness().send(pressOn(agent, card, verb));
      expect(asked.status).toBe(200);
      expect(asked.body.type).toBe('application/vnd.microsoft.card.adaptive');
      const inputs = asked.body.value.body.filter((e: { type: string }) => e.type === 'Input.ChoiceSet');
      expect(inputs).toHaveLength(1);
    }
    // Asking changes nothing.
    expect((await tickets().get(ticket.id))?.version).toBe(0);
    const foreign = await harness().send(
      harness().cardAction(agent, { verb: 'someoneElse:do', data: {} }, { conversationId: TRIAGE_CHANNEL }),
    );
    // Not ours: no listener answers it, and botbuilder says so (501, as for any invoke unanswered).
    expect(foreign.status).toBe(501);
  });
});
