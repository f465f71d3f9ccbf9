import { beforeAll, describe, expect, it } from 'vitest';
import { mapCustomerPlace } from '../../../src/app/chat/customer-places.ts';
import { addContact, linkIdentity } from '../../../src/app/directory.ts';
import { setTriagePlace } from '../../../src/app/messaging/messaging-admin.ts';
import { relayPending } from '../../../src/app/relay.ts';
import { fireTimer } from '../../../src/app/sla-steps.ts';
import { plannedTimers } from '../../../src/domain/tickets/sla-clock.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import type { Ticket } from '../../../src/domain/tickets/ticket.ts';
import type { SeededCustomer } from '../../support/test-desk.ts';
import { TEAM, useSlackDesk } from './support/slack-harness.ts';
import { SlackStandIn, wordsOf } from './support/slack-stand-in.ts';
import { slackUserOf, TRIAGE } from './slack-world.ts';
import en from '../../../locales/en.json' with { type: 'json' };
import sv from '../../../locales/sv.json' with { type: 'json' };

const CUSTOMER_CHANNEL = 'C0ACME';
let ts = 0;
const nextTs = () => `1800000100.${String(++ts).padStart(6, '0')}`;

describe('Slack intake and the customer channel, as Slack sends them', () => {
  const harness = useSlackDesk();
  let acme: SeededCustomer;
  let other: SeededCustomer;
  const user = (person: Person) => slackUserOf(person);

  beforeAll(async () => {
    const { api, slack, deps } = harness();
    acme = await api.desk.seedCustomer('Slack intake AB');
    other = await api.desk.seedCustomer('Other intake AB');
    for (const customer of [acme, other]) {
      const { organisation: _o, ...people } = customer;
      for (const person of Object.values(people)) {
        slack.addUser({ id: user(person), locale: 'en-GB' });
        await linkIdentity(deps, person.id, { channel: 'slack', externalId: user(person), teamId: TEAM });
      }
    }
    slack.addUser({ id: 'U0STRANGER', email: 'nobody@example.net' });
    slack.addUser({ id: 'U0FRAMLING', email: 'ingen@example.se', locale: 'sv-SE' });
    await setTriagePlace(deps, 'slack', TRIAGE);
    await mapCustomerPlace(deps, {
      channel: 'slack',
      place: CUSTOMER_CHANNEL,
      organisationId: acme.organisation.id,
    });
  });

  const firstPriority = () =>
    harness().deps.contracts.contract(acme.organisation.contractId).terms.priorities[0]!.key;
  const tickets = async (customer: SeededCustomer) =>
    (await harness().deps.tickets.list({ organisationId: customer.organisation.id })).tickets;

  /** A person writes a top-level message in a channel; Slack posts the event. */
  async function write(
    person: Person | string,
    text: string,
    options: { channel?: string; thread?: string } = {},
  ) {
    const { slack } = harness();
    const at = nextTs();
    const author = typeof person === 'string' ? person : user(person);
    const channel = options.channel ?? CUSTOMER_CHANNEL;
    slack.say(channel, at, author, text);
    const request = harness().event(`Ev${at}`, {
      type: 'message',
      channel,
      channel_type: 'channel',
      user: author,
      text,
      ts: at,
      ...(options.thread ? { thread_ts: options.thread } : {}),
      event_ts: at,
    });
    expect((await harness().send(request)).status).toBe(200);
    return { ts: at, request };
  }

  function submission(
    person: Person | string,
    values: Record<string, unknown>,
    viewId: string,
    metadata = '{}',
  ) {
    return harness().interaction({
      type: 'view_submission',
      user: { id: typeof person === 'string' ? person : user(person), team_id: TEAM },
      view: {
        id: viewId,
        type: 'modal',
        callback_id: 'sladesk_ticket',
        private_metadata: metadata,
        state: { values },
      },
    });
  }

  const form = (title: string, extra: Record<string, unknown> = {}) => ({
    title: { value: { type: 'plain_text_input', value: title } },
    description: { value: { type: 'plain_text_input', value: 'Details here' } },
    category: { value: { type: 'static_select', selected_option: { value: 'incident' } } },
    impact: { value: { type: 'static_select', selected_option: { value: 'all' } } },
    ...extra,
  });

  it('/ticket <text> opens the modal filled with the text, the contract’s priorities offered; a stranger is told why and nothing is stored', async () => {
    const { slack, deps } = harness();
    const answer = await harness().send(
      harness().command({
        command: '/ticket',
        text: 'VPN &lt;down&gt; for <https://vpn.example.se|the office>',
        user_id: user(acme.contact),
        trigger_id: 'trigger-1',
        response_url: slack.responseUrl('ticket-1'),
        channel_id: 'D1',
      }),
    );
    expect(answer.status).toBe(200);
    const opened = slack.callsOf('views.open').at(-1)!;
    expect(opened.args.trigger_id).toBe('trigger-1');
    const view = JSON.parse(String(opened.args.view)) as {
      callback_id: string;
      blocks: { block_id: string; element: { initial_value?: string; options?: { value: string }[] } }[];
    };
    expect(view.callback_id).toBe('sladesk_ticket');
    const block = (id: string) => view.blocks.find((b) => b.block_id === id)!;
    expect(block('title').element.initial_value).toBe('VPN <down> for the office (https://vpn.example.se)');
    const contract = deps.contracts.contract(acme.organisation.contractId);
    expect(block('priority').element.options!.map((o) => o.value)).toEqual(
      contract.terms.priorities.map((p) => p.key),
    );

    const before = slack.callsOf('views.open').length;
    await harness().send(
      harness().command({
        command: '/ticket',
        text: '',
        user_id: 'U0STRANGER',
        trigger_id: 't2',
        response_url: slack.responseUrl('ticket-2'),
      }),
    );
    expect(slack.callsOf('views.open')).toHaveLength(before);
    const told = slack.responses.find((r) => r.path === 'ticket-2')!;
    expect(told.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told.body.text)).toContain('U0STRANGER');
    expect(await deps.people.findByIdentity('slack', 'U0STRANGER')).toBeUndefined();

    // Told in their own Slack client's language; and a contact with no language of their own sees
    // the modal in their organisation's (Swedish), as every message of the desk speaks to them.
    await harness().send(
      harness().command({
        command: '/ticket',
        text: '',
        user_id: 'U0FRAMLING',
        trigger_id: 't3',
        response_url: slack.responseUrl('ticket-3'),
      }),
    );
    const swedish = sv.chat.notAContact.split(';')[0]!;
    expect(String(slack.responses.find((r) => r.path === 'ticket-3')!.body.text)).toContain(swedish);
    await harness().send(
      harness().command({
        command: '/ticket',
        text: '',
        user_id: user(acme.colleague),
        trigger_id: 't4',
        response_url: slack.responseUrl('ticket-4'),
      }),
    );
    const colleagues = JSON.parse(String(slack.callsOf('views.open').at(-1)!.args.view)) as {
      title: { text: string };
    };
    expect(colleagues.title.text).toBe(sv.ticketForm.heading);
  });

  it('a submitted modal opens one ticket however often it comes; a bad field is shown beside its input and stores nothing', async () => {
    const { slack } = harness();
    const empty = await harness().send(submission(acme.contact, form('  '), 'VEMPTY'));
    expect(empty.body).toEqual({
      response_action: 'errors',
      errors: { title: en.ticketForm.errors.titleEmpty },
    });
    expect((await tickets(acme)).filter((t) => t.title.trim() === '')).toEqual([]);

    const request = submission(
      acme.contact,
      form('<!channel> Mail &lt; down', {
        priority: { value: { type: 'static_select', selected_option: { value: firstPriority() } } },
      }),
      'VMAIL',
    );
    expect((await harness().send(request)).text).toBe('');
    await harness().send({ ...request, retry: 1 });
    const opened = (await tickets(acme)).filter((t) => t.title === '<!channel> Mail &lt; down');
    expect(opened).toHaveLength(1);
    const ticket = opened[0]!;
    expect(ticket.requestedPriority).toBe(firstPriority());
    expect(ticket.description).toContain(
      `${en.ticketForm.impactLine.replace('{impact}', en.ticketForm.impacts.all)}`,
    );
    // The requester is told the id at once, in the bot's DM; the triage card shows the title as text.
    const dm = slack.messages.filter((m) => m.channel === SlackStandIn.dmOf(user(acme.contact)));
    expect(dm.map(wordsOf).join('\n')).toContain(ticket.id);
    const card = slack.messages.find((m) => m.channel === TRIAGE && wordsOf(m).includes(ticket.id))!;
    expect(wordsOf(card)).toContain('&lt;!channel&gt; Mail &amp;lt; down');
    expect(JSON.stringify(card.blocks)).not.toContain('<!channel>');
    // What kind of ticket, whose, and how its clock stands (in business time, as of the change).
    expect(wordsOf(card)).toContain(en.categories.incident);
    expect(wordsOf(card)).toContain(acme.contact.name);
    // Opened while the desk is open: all of the priority's response target is left.
    const target = harness().deps.contracts.contract(acme.organisation.contractId).priority(ticket.priority);
    const hours = target.responseMinutes / 60;
    expect(Number.isInteger(hours)).toBe(true);
    expect(wordsOf(card)).toMatch(new RegExp(`response due <!date\\^\\d+\\^[^>]+> · ${hours} h left`));
  });

  it('a first contact’s form, matched by e-mail, is kept in their Slack client’s language and links them', async () => {
    const { slack, deps } = harness();
    const kim = await addContact(deps, acme.organisation.id, {
      name: 'Kim Kund',
      email: 'kim@intake.example',
    });
    slack.addUser({ id: 'U0KIMFIRST', email: 'kim@intake.example', locale: 'sv-SE' });
    await harness().send(submission('U0KIMFIRST', form('Första ärendet'), 'VFIRST'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Första ärendet')!;
    expect(ticket.requesterId).toBe(kim.id);
    expect(ticket.description).toContain(
      sv.ticketForm.impactLine.replace('{impact}', sv.ticketForm.impacts.all),
    );
    expect((await deps.people.findByIdentity('slack', 'U0KIMFIRST'))?.id).toBe(kim.id);
  });

  it('a forged or replayed submission is refused with 401 and opens nothing', async () => {
    const request = submission(acme.contact, form('Forged ticket'), 'VFORGED');
    expect((await harness().send({ ...request, secret: 'not-the-secret' })).status).toBe(401);
    const clock = harness().api.desk.clock;
    expect(
      (await harness().send({ ...request, signedAtMs: clock.now().getTime() - 6 * 60_000 })).status,
    ).toBe(401);
    expect((await tickets(acme)).filter((t) => t.title === 'Forged ticket')).toEqual([]);
  });

  it('a contact’s message in their channel opens a ticket answered in its thread; small talk, the desk and strangers open none', async () => {
    const { slack } = harness();
    const count = (await tickets(acme)).length;
    const { ts: root, request } = await write(acme.contact, 'The VPN is down for everyone');
    await harness().send({ ...request, retry: 1 });
    const opened = (await tickets(acme)).filter((t) => t.title === 'The VPN is down for everyone');
    expect(opened).toHaveLength(1);
    const ticket = opened[0]!;
    expect(ticket.origin).toEqual({
      channel: 'slack',
      message: `${CUSTOMER_CHANNEL}/${root}`,
      thread: `${CUSTOMER_CHANNEL}/${root}`,
    });
    const answered = slack.messages.filter((m) => m.channel === CUSTOMER_CHANNEL && m.threadTs === root);
    expect(answered.map(wordsOf).join('\n')).toContain(ticket.id);
    // Not in the DM: the thread is the conversation.
    expect(
      slack.messages.filter(
        (m) => m.channel === SlackStandIn.dmOf(user(acme.contact)) && wordsOf(m).includes(ticket.id),
      ),
    ).toEqual([]);

    await write(acme.contact, 'thanks!');
    await write(acme.agent, 'Good morning, we are looking at the mail issue');
    await write('U0STRANGER', 'Hello, is anyone there? Our printer is broken');
    await write(other.contact, 'Our printer is broken too');
    expect((await tickets(acme)).length).toBe(count + 1);
    expect((await tickets(other)).length).toBe(0);
    const ephemerals = slack.callsOf('chat.postEphemeral');
    expect(ephemerals.find((c) => c.args.user === user(other.contact))?.args.text).toBe(
      en.errors.notThisOrganisation,
    );
    expect(String(ephemerals.find((c) => c.args.user === 'U0STRANGER')?.args.text)).toContain('U0STRANGER');
  });

  it('an agent’s reply in the customer’s thread is public and the first response; 👀 from the desk claims it and shows on the message', async () => {
    const { slack, deps } = harness();
    const { ts: root } = await write(acme.contact, 'Invoices will not print');
    const ticket = (await tickets(acme)).find((t) => t.title === 'Invoices will not print')!;
    await write(acme.agent, 'We are on it, can you send a screenshot?', { thread: root });
    const replied = (await deps.tickets.get(ticket.id))!;
    expect(replied.comments.at(-1)).toMatchObject({ visibility: 'public', authorId: acme.agent.id });
    expect(replied.sla.firstResponseAt).toBeDefined();
    // The customer answers with a screenshot: Slack sends it as a file_share, the file as a link.
    const at = nextTs();
    await harness().send(
      harness().event(`EvFile${at}`, {
        type: 'message',
        subtype: 'file_share',
        channel: CUSTOMER_CHANNEL,
        channel_type: 'channel',
        user: user(acme.contact),
        text: 'Here it is',
        files: [{ name: 'printer.png', permalink: 'https://example.slack.com/files/U1/F1/printer.png' }],
        ts: at,
        thread_ts: root,
        event_ts: at,
      }),
    );
    expect((await deps.tickets.get(ticket.id))!.comments.at(-1)).toMatchObject({
      authorId: acme.contact.id,
      body: 'Here it is\nprinter.png: https://example.slack.com/files/U1/F1/printer.png',
    });
    const commented = (await deps.tickets.get(ticket.id))!;

    const reaction = harness().event(`EvReact${root}`, {
      type: 'reaction_added',
      user: user(acme.agent),
      reaction: 'eyes',
      item: { type: 'message', channel: CUSTOMER_CHANNEL, ts: root },
      item_user: user(acme.contact),
      event_ts: nextTs(),
    });
    await harness().send(reaction);
    await harness().send({ ...reaction, retry: 1 });
    const claimed = (await deps.tickets.get(ticket.id))!;
    expect(claimed).toMatchObject({ status: 'claimed', assigneeId: acme.agent.id });
    expect(claimed.version).toBe(commented.version + 1);
    const added = slack.callsOf('reactions.add').filter((c) => c.args.timestamp === root);
    expect(added.map((c) => c.args.name)).toContain('eyes');
  });

  it('⏳ and ✅ from the desk set waiting and resolved, and the customer’s message shows each; a customer’s emoji sets nothing', async () => {
    const { slack, deps } = harness();
    const { ts: root } = await write(acme.contact, 'Reports are empty since Monday');
    const ticket = (await tickets(acme)).find((t) => t.title === 'Reports are empty since Monday')!;
    const react = (by: Person, reaction: string) =>
      harness().send(
        harness().event(`EvEmoji${root}${reaction}${by.id}`, {
          type: 'reaction_added',
          user: user(by),
          reaction,
          item: { type: 'message', channel: CUSTOMER_CHANNEL, ts: root },
          item_user: user(acme.contact),
          event_ts: nextTs(),
        }),
      );
    await react(acme.contact, 'eyes');
    expect((await deps.tickets.get(ticket.id))!.status).toBe('new');
    await react(acme.agent, 'eyes');
    await react(acme.agent, 'hourglass_flowing_sand');
    expect((await deps.tickets.get(ticket.id))!.status).toBe('waiting_on_customer');
    await react(acme.agent, 'white_check_mark');
    expect((await deps.tickets.get(ticket.id))!.status).toBe('resolved');
    const shown = slack
      .callsOf('reactions.add')
      .filter((c) => c.args.timestamp === root)
      .map((c) => c.args.name);
    expect(shown).toEqual(['eyes', 'hourglass_flowing_sand', 'white_check_mark']);
    const taken = slack
      .callsOf('reactions.remove')
      .filter((c) => c.args.timestamp === root)
      .map((c) => c.args.name);
    expect(taken).toContain('eyes');
    expect(taken).toContain('hourglass_flowing_sand');
  });

  it('🎫 on a message the desk did not take as a ticket opens one for its writer, once', async () => {
    const { ts: thanks } = await write(acme.colleague, 'thanks');
    expect((await tickets(acme)).some((t) => t.title === 'thanks')).toBe(false);
    const react = (by: Person) =>
      harness().event(`EvTicket${thanks}${by.id}`, {
        type: 'reaction_added',
        user: user(by),
        reaction: 'ticket',
        item: { type: 'message', channel: CUSTOMER_CHANNEL, ts: thanks },
        item_user: user(acme.colleague),
        event_ts: nextTs(),
      });
    await harness().send(react(acme.agent));
    await harness().send(react(acme.colleague));
    const opened = (await tickets(acme)).filter((t) => t.title === 'thanks');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.requesterId).toBe(acme.colleague.id);
    // Another organisation's contact in this channel: no 🎫, the desk's included, opens one for
    // them here, where this channel's organisation would read its thread.
    const { ts: foreign } = await write(other.contact, 'Our invoices are wrong, account 4711');
    await harness().send(
      harness().event(`EvTicketForeign${foreign}`, {
        type: 'reaction_added',
        user: user(acme.agent),
        reaction: 'ticket',
        item: { type: 'message', channel: CUSTOMER_CHANNEL, ts: foreign },
        item_user: user(other.contact),
        event_ts: nextTs(),
      }),
    );
    expect((await tickets(other)).filter((t) => t.title.startsWith('Our invoices'))).toEqual([]);
    expect(harness().slack.messages.some((m) => m.threadTs === foreign)).toBe(false);
    // The colleague has no language of their own: the organisation's, Swedish.
    const answered = harness().slack.messages.filter(
      (m) => m.channel === CUSTOMER_CHANNEL && m.threadTs === thanks,
    );
    expect(answered.map(wordsOf).join('\n')).toContain(sv.notify.opened.split(' {id}')[0]!);
  });

  it('Create ticket on a message keeps its text and permalink and answers in its thread', async () => {
    const { slack } = harness();
    const at = nextTs();
    slack.say(CUSTOMER_CHANNEL, at, user(acme.contact), 'Backups failed tonight');
    await harness().send(
      harness().interaction({
        type: 'message_action',
        callback_id: 'sladesk_create_ticket',
        trigger_id: 'trigger-shortcut',
        user: { id: user(acme.contact) },
        channel: { id: CUSTOMER_CHANNEL },
        message: { type: 'message', ts: at, user: user(acme.contact), text: 'Backups failed tonight' },
        response_url: slack.responseUrl('shortcut'),
      }),
    );
    const view = JSON.parse(String(slack.callsOf('views.open').at(-1)!.args.view)) as {
      private_metadata: string;
    };
    expect(JSON.parse(view.private_metadata)).toEqual({ source: { channel: CUSTOMER_CHANNEL, ts: at } });
    await harness().send(
      submission(acme.contact, form('Backups failed tonight'), 'VSHORTCUT', view.private_metadata),
    );
    const ticket = (await tickets(acme)).find((t) => t.title === 'Backups failed tonight')!;
    expect(ticket.description).toContain(
      `https://example.slack.com/archives/${CUSTOMER_CHANNEL}/p${at.replace('.', '')}`,
    );
    expect(
      slack.messages.some(
        (m) => m.channel === CUSTOMER_CHANNEL && m.threadTs === at && wordsOf(m).includes(ticket.id),
      ),
    ).toBe(true);
    // The same message made a ticket again: its thread is the first one's, so the second is
    // followed in the bot's DM.
    await harness().send(
      submission(acme.contact, form('Backups failed again'), 'VSHORTCUT2', view.private_metadata),
    );
    const second = (await tickets(acme)).find((t) => t.title === 'Backups failed again')!;
    expect(second.origin).toBeUndefined();
    const inDm = slack.messages.filter(
      (m) => m.channel === SlackStandIn.dmOf(user(acme.contact)) && wordsOf(m).includes(second.id),
    );
    expect(inDm).toHaveLength(1);
  });

  it('a 429 from Slack holds the message for its Retry-After, then it goes once', async () => {
    const { slack, deps, api } = harness();
    // Longer than the outbox's own first back-off (30 s): Slack's word is what counts.
    slack.failNext('chat.postMessage', 429, 1, 45);
    await harness().send(submission(acme.contact, form('Rate limited ticket'), 'VBUSY'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Rate limited ticket')!;
    const told = () =>
      slack.messages.filter(
        (m) => m.channel === SlackStandIn.dmOf(user(acme.contact)) && wordsOf(m).includes(ticket.id),
      );
    expect(told()).toHaveLength(0);
    api.desk.clock.advance(31_000);
    await relayPending(deps);
    expect(told()).toHaveLength(0);
    api.desk.clock.advance(15_000);
    await relayPending(deps);
    await relayPending(deps);
    expect(told()).toHaveLength(1);
  });

  it('Assign with the card’s picker, Priority through its modal; a picked stranger is told of', async () => {
    const { slack, deps } = harness();
    await harness().send(submission(acme.contact, form('Needs an owner'), 'VOWNER'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Needs an owner')!;
    const card = slack.messages.find(
      (m) => m.channel === TRIAGE && m.threadTs === undefined && wordsOf(m).includes(ticket.id),
    )!;
    const elements = card.blocks.find((b) => b.type === 'actions')!.elements!;
    const picker = elements.find((e) => e.type === 'users_select')!;
    const pick = (selected: string, path: string) =>
      harness().interaction({
        type: 'block_actions',
        user: { id: user(acme.agent) },
        trigger_id: 'trigger-pick',
        response_url: slack.responseUrl(path),
        container: { type: 'message', channel_id: TRIAGE, message_ts: card.ts },
        channel: { id: TRIAGE },
        message: { ts: card.ts, text: card.text },
        actions: [
          {
            type: 'users_select',
            action_id: picker.action_id,
            block_id: 'b',
            selected_user: selected,
            action_ts: nextTs(),
          },
        ],
      });
    await harness().send(pick('U0STRANGER', 'pick-stranger'));
    expect(String(slack.responses.find((r) => r.path === 'pick-stranger')?.body.text)).toContain(
      'U0STRANGER',
    );
    await harness().send(pick(user(acme.otherAgent), 'pick-agent'));
    expect((await deps.tickets.get(ticket.id))!.assigneeId).toBe(acme.otherAgent.id);

    const priority = elements.find((e) => e.action_id === 'sladesk:priority')!;
    await harness().send(
      harness().interaction({
        type: 'block_actions',
        user: { id: user(acme.agent) },
        trigger_id: 'trigger-priority',
        response_url: slack.responseUrl('priority'),
        container: { type: 'message', channel_id: TRIAGE, message_ts: card.ts },
        channel: { id: TRIAGE },
        message: { ts: card.ts, text: card.text },
        actions: [{ ...priority, block_id: 'b', action_ts: nextTs() }],
      }),
    );
    const modal = JSON.parse(String(slack.callsOf('views.open').at(-1)!.args.view)) as {
      callback_id: string;
      private_metadata: string;
    };
    expect(modal.callback_id).toBe('sladesk_priority');
    await harness().send(
      harness().interaction({
        type: 'view_submission',
        user: { id: user(acme.agent) },
        view: {
          id: 'VPRIO',
          callback_id: 'sladesk_priority',
          private_metadata: modal.private_metadata,
          state: {
            values: {
              priority: { priority: { type: 'static_select', selected_option: { value: firstPriority() } } },
            },
          },
        },
      }),
    );
    expect((await deps.tickets.get(ticket.id))!.priority).toBe(firstPriority());
  });

  it('Send to customer on a note in the card’s thread says it to the requester; outside a ticket’s thread it says so', async () => {
    const { slack, deps } = harness();
    await harness().send(submission(acme.contact, form('Needs a word to the customer'), 'VSEND'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Needs a word to the customer')!;
    const card = slack.messages.find(
      (m) => m.channel === TRIAGE && !m.threadTs && wordsOf(m).includes(ticket.id),
    )!;
    const { ts: note } = await write(acme.agent, 'Restart the router, then try again', {
      channel: TRIAGE,
      thread: card.ts,
    });
    expect((await deps.tickets.get(ticket.id))!.comments.at(-1)).toMatchObject({ visibility: 'internal' });
    const dm = () => slack.messages.filter((m) => m.channel === SlackStandIn.dmOf(user(acme.contact)));
    expect(dm().map(wordsOf).join('\n')).not.toContain('Restart the router');

    const shortcut = (ts: string, thread?: string) =>
      harness().interaction({
        type: 'message_action',
        callback_id: 'sladesk_send_to_customer',
        trigger_id: `trigger-send-${ts}`,
        user: { id: user(acme.agent) },
        channel: { id: TRIAGE },
        message: {
          type: 'message',
          ts,
          user: user(acme.agent),
          text: 'Restart the router, then try again',
          ...(thread ? { thread_ts: thread } : {}),
        },
        response_url: slack.responseUrl(`send-${ts}`),
      });
    await harness().send(shortcut(note, card.ts));
    await harness().send({ ...shortcut(note, card.ts), retry: 1 });
    const comments = (await deps.tickets.get(ticket.id))!.comments.filter(
      (c) => c.body === 'Restart the router, then try again',
    );
    expect(comments.map((c) => c.visibility)).toEqual(['internal', 'public']);
    expect(dm().filter((m) => wordsOf(m).includes('Restart the router'))).toHaveLength(1);
    const told = slack.callsOf('chat.postEphemeral').filter((c) => c.args.user === user(acme.agent));
    expect(told.at(-1)!.args.text).toBe(en.slack.sentToCustomer);

    await harness().send(shortcut(nextTs()));
    expect(slack.callsOf('chat.postEphemeral').at(-1)!.args.text).toBe(en.slack.notATicketThread);
  });

  it('a forged button value is refused in words and changes nothing', async () => {
    const { slack, deps } = harness();
    await harness().send(submission(acme.contact, form('Forged button target'), 'VFORGEDBUTTON'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Forged button target')!;
    const forged = JSON.stringify({ action: 'claim', ticketId: ticket.id, evil: 1 });
    await harness().send(
      harness().interaction({
        type: 'block_actions',
        user: { id: user(acme.agent) },
        trigger_id: 'trigger-forged',
        response_url: slack.responseUrl('forged-button'),
        container: { type: 'message', channel_id: TRIAGE, message_ts: '1' },
        channel: { id: TRIAGE },
        message: { ts: '1', text: 'x' },
        actions: [
          { type: 'button', action_id: 'sladesk:claim', block_id: 'b', value: forged, action_ts: nextTs() },
        ],
      }),
    );
    expect(String(slack.responses.find((r) => r.path === 'forged-button')?.body.text)).toBe(
      en.errors.invalidButton.replace('{channel}', en.platforms.slack),
    );
    expect((await deps.tickets.get(ticket.id))!).toMatchObject({ status: 'new', version: ticket.version });
  });

  it('two agents pressing Claim at once: one has it, the other is told who', async () => {
    const { slack, deps } = harness();
    await harness().send(submission(acme.contact, form('Claimed twice at once'), 'VRACE'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Claimed twice at once')!;
    const card = slack.messages.find(
      (m) => m.channel === TRIAGE && !m.threadTs && wordsOf(m).includes(ticket.id),
    )!;
    const claim = card.blocks
      .find((b) => b.type === 'actions')!
      .elements!.find((e) => e.action_id === 'sladesk:claim')!;
    const press = (agent: Person, path: string) =>
      harness().send(
        harness().interaction({
          type: 'block_actions',
          user: { id: user(agent) },
          trigger_id: `trigger-${path}`,
          response_url: slack.responseUrl(path),
          container: { type: 'message', channel_id: TRIAGE, message_ts: card.ts },
          channel: { id: TRIAGE },
          message: { ts: card.ts, text: card.text },
          actions: [{ ...claim, block_id: 'b', action_ts: nextTs() }],
        }),
      );
    await Promise.all([press(acme.agent, 'race-1'), press(acme.otherAgent, 'race-2')]);
    const claimed = (await deps.tickets.get(ticket.id))!;
    const winner = claimed.assigneeId === acme.agent.id ? acme.agent : acme.otherAgent;
    const loser = winner === acme.agent ? 'race-2' : 'race-1';
    expect(claimed.status).toBe('claimed');
    expect(slack.responses.filter((r) => r.path.startsWith('race-')).map((r) => r.path)).toEqual([loser]);
    expect(String(slack.responses.find((r) => r.path === loser)!.body.text)).toContain(winner.name);
    const shown = slack.messages.find((m) => m.ts === card.ts && m.channel === TRIAGE)!;
    expect(wordsOf(shown)).toContain(winner.name);
  });

  it('an escalation reaches the manager with Acknowledge and Open ticket; the card shows it, then its acknowledgement', async () => {
    const { slack, deps, api } = harness();
    api.desk.clock.set('2026-11-17T09:00:00+01:00');
    await harness().send(submission(acme.contact, form('Escalates unseen'), 'VESC'));
    const ticket = (await tickets(acme)).find((t) => t.title === 'Escalates unseen')!;
    const contract = deps.contracts.contract(acme.organisation.contractId);
    const level1 = plannedTimers((await deps.tickets.get(ticket.id))!, contract).find(
      (t) => t.step === 'response:level1',
    )!;
    api.desk.clock.set(level1.at.toISOString());
    await fireTimer(deps, ticket.id, level1.step);
    const dm = slack.messages.filter(
      (m) => m.channel === SlackStandIn.dmOf(user(acme.incidentManager)) && wordsOf(m).includes(ticket.id),
    );
    expect(dm).toHaveLength(1);
    const elements = dm[0]!.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(elements.map((e) => e.action_id)).toEqual(['sladesk:acknowledge', 'sladesk_open_ticket']);
    const cardOf = () =>
      slack.messages.find((m) => m.channel === TRIAGE && !m.threadTs && wordsOf(m).includes(ticket.id))!;
    expect(wordsOf(cardOf())).toContain(en.notify.escalation.waiting.replace('{level}', '1'));

    const pressOn = (element: (typeof elements)[number], path: string) =>
      harness().send(
        harness().interaction({
          type: 'block_actions',
          user: { id: user(acme.incidentManager) },
          trigger_id: `trigger-${path}`,
          response_url: slack.responseUrl(path),
          container: { type: 'message', channel_id: dm[0]!.channel, message_ts: dm[0]!.ts },
          channel: { id: dm[0]!.channel },
          message: { ts: dm[0]!.ts, text: dm[0]!.text },
          actions: [{ ...element, block_id: 'b', action_ts: nextTs() }],
        }),
      );
    await pressOn(elements[1]!, 'open-ticket');
    const glance = String(slack.responses.find((r) => r.path === 'open-ticket')!.body.text);
    expect(glance).toContain(ticket.id);
    expect(glance).toContain(`https://example.slack.com/archives/${TRIAGE}/p${cardOf().ts.replace('.', '')}`);
    await pressOn(elements[0]!, 'acknowledge');
    expect((await deps.tickets.get(ticket.id))!.sla.acknowledgedLevel).toBe(1);
    expect(wordsOf(cardOf())).toContain(en.notify.escalation.acknowledged.replace('{level}', '1'));
  });

  it('out of hours the confirmation says when support opens and when work starts', async () => {
    const { slack, api } = harness();
    // Saturday: the contract's calendar is closed.
    api.desk.clock.set('2026-11-21T12:00:00+01:00');
    await harness().send(submission(acme.contact, form('Weekend outage'), 'VWEEKEND'));
    const ticket: Ticket = (await tickets(acme)).find((t) => t.title === 'Weekend outage')!;
    const dm = slack.messages.filter(
      (m) => m.channel === SlackStandIn.dmOf(user(acme.contact)) && wordsOf(m).includes(ticket.id),
    );
    expect(dm).toHaveLength(1);
    const opensAt = Math.floor(new Date('2026-11-23T08:00:00+01:00').getTime() / 1000);
    expect(wordsOf(dm[0]!)).toContain(
      en.notify.openedOutOfHours
        .split(' {opensAt}')[0]!
        .replace('{id}', ticket.id)
        .replace('{title}', ticket.title),
    );
    expect(wordsOf(dm[0]!)).toContain(`<!date^${opensAt}^`);
  });
});
