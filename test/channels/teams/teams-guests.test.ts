import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addAgent, addContact } from '../../../src/app/directory.ts';
import { cardActionListeners } from '../../../src/channels/teams/listeners/card-actions.ts';
import { errorMessage } from '../../../src/i18n/error-message.ts';
import {
  TEAM_ID,
  TENANT,
  TRIAGE_CHANNEL,
  executeAction,
  useTeamsDesk,
  type TeamsMember,
} from './support/teams-harness.ts';

const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

/**
 * Whoever runs a directory sets its users' addresses: a guest's (another organisation's account in
 * the desk's team) and a user's of another tenant are theirs to choose. Such an address is matched
 * to customers' contacts only, never to the desk's own people.
 */
describe('Teams users from another directory', () => {
  const harness = useTeamsDesk({ listeners: [cardActionListeners] });

  const outsider = (email: string, extra: Partial<TeamsMember>): TeamsMember =>
    harness().addMember({ email, ...extra });

  it('a guest, or a user of another tenant, with an agent’s address presses Claim: refused, nothing linked, nothing changes', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams guests AB');
    const email = `agent-${randomUUID()}@desk.example`;
    const agent = await addAgent(deps, { name: 'Agent with an address', email, locale: 'en' });
    const { ticket, card } = await harness().ticketWithCard(acme, 'Claimed by a stranger?');
    const impostors = {
      guest: outsider(email, { userRole: 'guest' }),
      anonymous: outsider(email, { userRole: 'anonymous' }),
      // A shared channel's external member: the conversation is the desk's tenant's, the user not.
      otherTenant: outsider(email, { tenantId: randomUUID() }),
    };
    for (const [kind, member] of Object.entries(impostors)) {
      const press = harness().onCard(member, card, executeAction(card, 'sladesk:claim'), {
        conversation: { tenantId: TENANT, conversationType: 'channel', isGroup: true, id: TRIAGE_CHANNEL },
        channelData: { tenant: { id: TENANT }, team: { id: TEAM_ID }, channel: { id: TRIAGE_CHANNEL } },
      });
      const answer = await harness().send(press);
      expect({ kind, status: answer.status, body: answer.body }).toEqual({
        kind,
        status: 200,
        body: {
          statusCode: 200,
          type: MESSAGE_RESPONSE,
          value: errorMessage('en', 'errors.notAContact', {
            platform: 'teams',
            externalId: member.aadObjectId,
          }),
        },
      });
      expect(await deps.people.findByIdentity('teams', member.aadObjectId)).toBeUndefined();
    }
    const after = await deps.tickets.get(ticket.id);
    expect(after?.status).toBe('new');
    expect(after?.version).toBe(ticket.version);
    expect((await deps.people.get(agent.id))?.identities).toEqual([]);
    // The desk's own tenant's member with the address is the agent.
    const member = outsider(email, {});
    const own = await harness().send(harness().onCard(member, card, executeAction(card, 'sladesk:claim')));
    expect(own.status).toBe(200);
    expect((await deps.tickets.get(ticket.id))?.assigneeId).toBe(agent.id);
  });

  it('a guest with a customer contact’s address is that contact', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams guest contact AB');
    const email = `contact-${randomUUID()}@customer.example`;
    const contact = await addContact(deps, acme.organisation.id, {
      name: 'Guest contact',
      email,
      locale: 'en',
    });
    const { card } = await harness().ticketWithCard(acme, 'Seen by a guest contact');
    const guest = outsider(email, { userRole: 'guest' });
    await harness().send(harness().onCard(guest, card, executeAction(card, 'sladesk:claim')));
    expect((await deps.people.findByIdentity('teams', guest.aadObjectId))?.id).toBe(contact.id);
  });
});

describe('Teams users of another tenant, for a single-tenant bot', () => {
  const harness = useTeamsDesk({ listeners: [cardActionListeners], tenantId: TENANT });

  it('a user of their own tenant with an agent’s address is not the agent', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams single tenant AB');
    const email = `agent-${randomUUID()}@desk.example`;
    await addAgent(deps, { name: 'Agent of the tenant', email, locale: 'en' });
    const { ticket, card } = await harness().ticketWithCard(acme, 'Claimed from another tenant?');
    const stranger = harness().addMember({ email, tenantId: randomUUID() });
    const answer = await harness().send(
      harness().onCard(stranger, card, executeAction(card, 'sladesk:claim')),
    );
    expect(answer.body.value).toBe(
      errorMessage('en', 'errors.notAContact', { platform: 'teams', externalId: stranger.aadObjectId }),
    );
    expect((await deps.tickets.get(ticket.id))?.version).toBe(ticket.version);
    expect(await deps.people.findByIdentity('teams', stranger.aadObjectId)).toBeUndefined();
  });
});
