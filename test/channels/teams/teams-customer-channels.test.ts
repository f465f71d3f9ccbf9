import { describe, expect, it } from 'vitest';
import { mapCustomerPlace } from '../../../src/app/chat/customer-places.ts';
import { performAction } from '../../../src/app/perform-action.ts';
import { TEAMS_LISTENERS } from '../../../src/channels/teams/teams-listeners.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { SERVICE_URL, useTeamsDesk } from './support/teams-harness.ts';

describe('customer channels in Teams', () => {
  // Every listener, in the bot's own order: a post must reach the customer channels, not replies.
  const harness = useTeamsDesk({ listeners: TEAMS_LISTENERS });
  let channels = 0;

  /** A team channel of its own, mapped to the customer as `places map` writes a Teams place. */
  async function customerChannel(customer: SeededCustomer): Promise<string> {
    const channel = `19:customer-channel-${++channels}@thread.tacv2`;
    await mapCustomerPlace(harness().deps, {
      channel: 'teams',
      place: `${SERVICE_URL}|${channel}`,
      organisationId: customer.organisation.id,
    });
    return channel;
  }

  const ticketsOf = async (customer: SeededCustomer) =>
    (await harness().deps.tickets.list({ organisationId: customer.organisation.id })).tickets;

  it('a contact’s post opens a ticket answered in its reply chain, once; the chain is its public conversation both ways', async () => {
    const { deps } = harness();
    const acme = await harness().api.desk.seedCustomer('Teams channel AB');
    const channel = await customerChannel(acme);
    const contact = await harness().inTeams(acme.contact);
    const agent = await harness().inTeams(acme.agent);

    const post = harness().channelPost(
      contact,
      '<at>Service desk</at> The VPN is down for everyone\nSince 08:00, all offices',
      { channel },
    );
    const postId = post.id as string;
    expect((await harness().send(post)).status).toBe(200);
    // Teams delivers it again: the same ticket, and the post is no comment on it.
    expect((await harness().send(post)).status).toBe(200);
    const opened = await ticketsOf(acme);
    expect(opened).toHaveLength(1);
    const ticket = opened[0]!;
    expect(ticket.title).toBe('The VPN is down for everyone');
    expect(ticket.description).toBe('The VPN is down for everyone\nSince 08:00, all offices');
    expect(ticket.requesterId).toBe(acme.contact.id);
    expect(ticket.origin).toEqual({
      channel: 'teams',
      message: `${SERVICE_URL}|${channel}|${postId}`,
      thread: `${SERVICE_URL}|${channel};messageid=${postId}`,
    });
    expect(ticket.comments).toEqual([]);

    // The desk's confirmation is a reply in the post's chain.
    const chain = `${channel};messageid=${postId}`;
    const inChain = () => harness().postedTo(chain);
    expect(inChain().some((call) => JSON.stringify(call.body).includes(ticket.id))).toBe(true);
    // Nothing was posted in the channel outside the chain.
    expect(
      harness()
        .postedTo(channel)
        .every((call) => call.path.includes(';messageid=')),
    ).toBe(true);

    // The customer's reply in the chain is a public comment, once.
    const reply = harness().channelMessage(contact, 'It is back for Malmö, still down in Lund', {
      channel,
      rootActivityId: postId,
    });
    await harness().send(reply);
    await harness().send(reply);
    const commented = (await deps.tickets.get(ticket.id))!;
    expect(commented.comments.filter((c) => c.body.startsWith('It is back'))).toEqual([
      expect.objectContaining({ visibility: 'public', authorId: acme.contact.id }),
    ]);

    // The desk's public comment comes back in the same chain.
    const before = inChain().length;
    await performAction(deps, acme.agent.id, ticket.id, {
      name: 'comment',
      body: 'We are restarting the VPN gateway in Lund',
      visibility: 'public',
    });
    const said = inChain().slice(before);
    expect(said.some((call) => JSON.stringify(call.body).includes('restarting the VPN gateway'))).toBe(true);

    // An agent answering in the customer's chain answers the customer.
    await harness().send(
      harness().channelMessage(agent, 'Lund is back up', { channel, rootActivityId: postId }),
    );
    expect((await deps.tickets.get(ticket.id))!.comments.find((c) => c.body === 'Lund is back up')).toEqual(
      expect.objectContaining({ visibility: 'public', authorId: acme.agent.id }),
    );
    expect(await ticketsOf(acme)).toHaveLength(1);
  });

  it('small talk, the desk’s people, strangers and other organisations’ contacts open nothing, and are told nothing', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams quiet channel AB');
    const other = await harness().api.desk.seedCustomer('Teams other organisation AB');
    const channel = await customerChannel(acme);
    const contact = await harness().inTeams(acme.contact);
    const agent = await harness().inTeams(acme.agent);
    const outsider = await harness().inTeams(other.contact);
    const stranger = harness().addMember({ name: 'Eve', email: 'eve@elsewhere.example' });
    const calls = harness().calls.filter((call) => call.method === 'POST').length;

    for (const post of [
      harness().channelPost(contact, 'Thanks Anna! 🙏', { channel }),
      harness().channelPost(contact, '<at>Service desk</at> tack så mycket', { channel }),
      harness().channelPost(contact, '<at>Service desk</at>', { channel }),
      harness().channelPost(agent, 'We deploy the new VPN client tonight', { channel }),
      harness().channelPost(stranger, 'My laptop does not start', { channel }),
      harness().channelPost(outsider, 'Our printer is broken', { channel }),
    ]) {
      expect((await harness().send(post)).status).toBe(200);
    }
    expect(await ticketsOf(acme)).toEqual([]);
    expect(await ticketsOf(other)).toEqual([]);
    expect(harness().calls.filter((call) => call.method === 'POST')).toHaveLength(calls);
    expect(await harness().deps.people.findByIdentity('teams', stranger.aadObjectId)).toBeUndefined();

    // A channel nobody mapped is nobody's: the same post there opens nothing either.
    await harness().send(
      harness().channelPost(contact, 'The VPN is down', { channel: '19:unmapped@thread.tacv2' }),
    );
    expect(await ticketsOf(acme)).toEqual([]);
  });

  it('a channel mapped by its id alone is a customer channel too', async () => {
    const acme = await harness().api.desk.seedCustomer('Teams channel id AB');
    const channel = '19:customer-channel-by-id@thread.tacv2';
    await mapCustomerPlace(harness().deps, {
      channel: 'teams',
      place: channel,
      organisationId: acme.organisation.id,
    });
    const contact = await harness().inTeams(acme.colleague);
    await harness().send(harness().channelPost(contact, 'E-mail does not sync on phones', { channel }));
    expect((await ticketsOf(acme)).map((t) => t.title)).toEqual(['E-mail does not sync on phones']);
  });
});
