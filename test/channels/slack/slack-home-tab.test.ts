import { beforeAll, describe, expect, it } from 'vitest';
import { linkIdentity } from '../../../src/app/directory.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { TEAM, useSlackDesk } from './support/slack-harness.ts';

type Block = { type: string; text?: { text: string }; elements?: { action_id?: string }[] };

describe('the App Home and /desk, as Slack sends them', () => {
  const harness = useSlackDesk();
  let acme: SeededCustomer;
  let other: SeededCustomer;
  const api = () => harness().api;

  beforeAll(async () => {
    const { deps, slack } = harness();
    for (const id of ['U0AGENT', 'U0CONTACT', 'U0OTHER']) slack.addUser({ id, locale: 'en-GB' });
    slack.addUser({ id: 'U0SWEDE', locale: 'sv-SE' });
    acme = await api().desk.seedCustomer('Home tab AB');
    other = await api().desk.seedCustomer('Other home AB');
    await linkIdentity(deps, acme.agent.id, { channel: 'slack', externalId: 'U0AGENT', teamId: TEAM });
    await linkIdentity(deps, acme.contact.id, { channel: 'slack', externalId: 'U0CONTACT', teamId: TEAM });
    await linkIdentity(deps, other.contact.id, { channel: 'slack', externalId: 'U0OTHER', teamId: TEAM });
  });

  /** What views.publish was given, as the Web API stand-in received it. */
  const published = () =>
    harness()
      .slack.callsOf('views.publish')
      .map((call) => ({
        user_id: String(call.args.user_id),
        view: JSON.parse(String(call.args.view)) as { type: string; blocks: Record<string, unknown>[] },
      }));
  /** What was said through a response_url, by its name. */
  const responseTo = (id: string) => harness().slack.responses.find((r) => r.path === id)!.body;

  let events = 0;
  const openHome = (userId: string, tab = 'home') =>
    harness().send(
      harness().event(`Ev${++events}`, {
        type: 'app_home_opened',
        user: userId,
        channel: 'D0HOME',
        tab,
        event_ts: `1700000000.00000${events}`,
      }),
    );

  const desk = (userId: string, text: string, id: string) =>
    harness().send(
      harness().command({
        channel_id: 'C0ANY',
        user_id: userId,
        command: '/desk',
        text,
        response_url: harness().slack.responseUrl(id),
        trigger_id: `t-${id}`,
      }),
    );

  const texts = (blocks: readonly Record<string, unknown>[]) =>
    (blocks as Block[]).map((block) => block.text?.text ?? '').join('\n');

  const open = (customer: SeededCustomer, title: string) =>
    openTicket(api().desk.deps, customer.contact.id, {
      organisationId: customer.organisation.id,
      requesterId: customer.contact.id,
      source: 'api',
      category: 'incident',
      title,
      description: 'from the home tab test',
    });

  it("publishes a contact's organisation's open tickets and a New ticket button, never another's", async () => {
    const ours = await open(acme, 'Ours <!here>');
    const theirs = await open(other, 'Theirs');
    expect((await openHome('U0CONTACT')).status).toBe(200);
    const view = published().find((p) => p.user_id === 'U0CONTACT')!.view;
    expect(view.type).toBe('home');
    const shown = texts(view.blocks);
    expect(shown).toContain(`*${ours.id}* Ours &lt;!here&gt;`);
    expect(shown).not.toContain(theirs.id);
    const buttons = (view.blocks as Block[]).flatMap((block) => block.elements ?? []);
    expect(buttons.map((button) => button.action_id)).toContain('sladesk_home_new_ticket');
  });

  it("publishes a desk person's queues, and a stranger whom to ask, in the stranger's language", async () => {
    const unclaimed = await open(acme, 'Nobody has it');
    await openHome('U0AGENT');
    const agentView = published()
      .filter((p) => p.user_id === 'U0AGENT')
      .at(-1)!.view;
    expect(texts(agentView.blocks)).toContain('Assigned to you');
    expect(texts(agentView.blocks)).toContain(`*${unclaimed.id}* Nobody has it`);

    await openHome('U0SWEDE');
    const strangerView = published()
      .filter((p) => p.user_id === 'U0SWEDE')
      .at(-1)!.view;
    expect(texts(strangerView.blocks)).toMatch(/Du är inte registrerad som kontaktperson/);

    // The Messages tab opening is not a reason to publish anything.
    const before = published().length;
    await openHome('U0AGENT', 'messages');
    expect(published().length).toBe(before);
  });

  it('answers /desk to the desk person alone, and refuses a customer in words', async () => {
    const ticket = await open(acme, 'Breach soon');
    expect((await desk('U0AGENT', 'breach', 'cmd1')).status).toBe(200);
    const answer = responseTo('cmd1');
    expect(answer.response_type).toBe('ephemeral');
    const blocks = answer.blocks as Record<string, unknown>[];
    expect(texts(blocks)).toContain('Closest to breach');
    expect(texts(blocks)).not.toContain('Assigned to you');
    expect(texts(blocks)).toContain(ticket.id);

    await desk('U0CONTACT', '', 'cmd2');
    const refused = responseTo('cmd2');
    expect(refused).toMatchObject({ response_type: 'ephemeral' });
    expect(refused.blocks).toBeUndefined();
    expect(String(refused.text)).toMatch(/only the service desk/);

    await desk('U0AGENT', 'everything', 'cmd3');
    expect(String(responseTo('cmd3').text)).toMatch(/^Usage: \/desk/);
  });
});
