import { createHash } from 'node:crypto';
import { beforeAll } from 'vitest';
import type { ButtonActionName } from '../../../src/app/action-steps.ts';
import { linkIdentity } from '../../../src/app/directory.ts';
import { setTriagePlace } from '../../../src/app/messaging/messaging-admin.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import { escapeMrkdwn } from '../../../src/channels/slack/slack-text.ts';
import type { Answer, ChannelWorld, SeenMessage } from '../contract/channel-contract.ts';
import { TEAM, useSlackDesk, type SlackHarness, type SlackRequest } from './support/slack-harness.ts';
import { SlackStandIn, wordsOf, type PostedMessage } from './support/slack-stand-in.ts';

export const TRIAGE = 'C0TRIAGE';

/** A person's Slack user id: stable, and shaped as Slack's are. */
export const slackUserOf = (person: Person): string =>
  `U${createHash('sha256').update(person.id).digest('hex').slice(0, 10).toUpperCase()}`;

const [place, ts] = [(m: PostedMessage) => m.channel, (m: PostedMessage) => m.ts];

function seen(message: PostedMessage): SeenMessage {
  const actions = message.blocks.find((block) => block.type === 'actions');
  return {
    ref: `${place(message)}/${ts(message)}`,
    thread: `${place(message)}/${message.threadTs ?? ts(message)}`,
    text: wordsOf(message),
    buttons: (actions?.elements ?? [])
      .map((element) => element.action_id ?? '')
      .filter((id) => id.startsWith('sladesk:'))
      .map((id) => id.slice('sladesk:'.length).split(':')[0] as ButtonActionName),
    updates: message.updates,
  };
}

/** Slack's `ts` for an event of the suite: one per event id, so a redelivery carries the same. */
function tsOf(eventId: string): string {
  const n = parseInt(createHash('sha256').update(eventId).digest('hex').slice(0, 8), 16);
  return `1800000000.${String(n % 1_000_000).padStart(6, '0')}`;
}

/**
 * Slack as the contract suite drives it: every act is the request Slack would post to
 * `/slack/events` (signed; a modal's submission, a message event, a button's block_actions), and
 * what a person sees is what the Web API stand-in was given (their DM, the triage channel).
 */
export function useSlackWorld(): () => ChannelWorld {
  const harness = useSlackDesk();
  let world: ChannelWorld | undefined;
  let last: (() => Promise<Answer>) | undefined;

  beforeAll(async () => {
    const h: SlackHarness = harness();
    const { deps, slack } = h;
    await setTriagePlace(deps, 'slack', TRIAGE);
    const sendKept = (request: SlackRequest, answer: () => Answer) => {
      const once = async (retry?: number) => {
        const reply = await h.send(retry ? { ...request, retry } : request);
        if (reply.status !== 200)
          throw new Error(`Slack's request was answered ${reply.status}: ${reply.text}`);
        return answer();
      };
      last = () => once(1);
      return once();
    };
    /** What the bot said privately to `userId` since `from` calls of chat.postEphemeral. */
    const ephemeralAnswer = (userId: string, from: number) => (): Answer => {
      const told = slack
        .callsOf('chat.postEphemeral')
        .slice(from)
        .find((call) => call.args.user === userId);
      return told ? { ok: false, text: String(told.args.text) } : { ok: true };
    };

    world = {
      deps,
      clock: h.api.desk.clock,
      async customer(name) {
        const customer = await h.api.desk.seedCustomer(name);
        const { organisation: _organisation, ...people } = customer;
        for (const person of Object.values(people)) {
          const id = slackUserOf(person);
          slack.addUser({ id, locale: 'en-GB' });
          await linkIdentity(deps, person.id, { channel: 'slack', externalId: id, teamId: TEAM });
        }
        return customer;
      },
      async open(person, ticket, eventId) {
        const user = slackUserOf(person);
        const request = h.interaction({
          type: 'view_submission',
          user: { id: user, team_id: TEAM },
          trigger_id: 'trigger',
          view: {
            id: `V${eventId.replace(/[^A-Za-z0-9]/g, '')}`,
            type: 'modal',
            callback_id: 'sladesk_ticket',
            private_metadata: '{}',
            state: {
              values: {
                title: { value: { type: 'plain_text_input', value: ticket.title } },
                description: { value: { type: 'plain_text_input', value: ticket.description } },
                category: { value: { type: 'static_select', selected_option: { value: 'incident' } } },
                impact: { value: { type: 'static_select', selected_option: { value: 'several' } } },
              },
            },
          },
        });
        const reply = await h.send(request);
        if (reply.status !== 200 || reply.text !== '')
          throw new Error(`the modal was answered ${reply.text}`);
        const page = await deps.tickets.list({ organisationId: person.organisationId! });
        const opened = page.tickets.find((t) => t.title === ticket.title);
        if (!opened) throw new Error(`no ticket “${ticket.title}” was opened`);
        return opened.id;
      },
      async seenBy(who) {
        const where = who === 'triage' ? TRIAGE : SlackStandIn.dmOf(slackUserOf(who));
        return slack.messages.filter((m) => m.channel === where).map(seen);
      },
      reply(person, message, text, eventId, options = {}) {
        const user = slackUserOf(person);
        const [channel, threadTs] = message.thread.split('/') as [string, string];
        const written = options.toCustomer ? `!reply ${text}` : text;
        const request = h.event(eventId, {
          type: 'message',
          channel,
          channel_type: channel.startsWith('D') ? 'im' : 'channel',
          user,
          text: escapeMrkdwn(written),
          ts: tsOf(eventId),
          thread_ts: threadTs,
          event_ts: tsOf(eventId),
        });
        return sendKept(request, ephemeralAnswer(user, slack.callsOf('chat.postEphemeral').length));
      },
      press(person, message, action, eventId) {
        const posted = slack.messages.find((m) => `${m.channel}/${m.ts}` === message.ref);
        const element = posted?.blocks
          .find((block) => block.type === 'actions')
          ?.elements?.find((e) => e.action_id === `sladesk:${action}`);
        if (!posted || !element) throw new Error(`message ${message.ref} has no ${action} button`);
        const answerPath = `press-${eventId}`;
        const request = h.interaction({
          type: 'block_actions',
          user: { id: slackUserOf(person), team_id: TEAM },
          trigger_id: 'trigger',
          response_url: slack.responseUrl(answerPath),
          container: { type: 'message', channel_id: posted.channel, message_ts: posted.ts },
          channel: { id: posted.channel },
          message: { ts: posted.ts, text: posted.text },
          actions: [{ ...element, block_id: 'sladesk-actions', action_ts: tsOf(eventId) }],
        });
        return sendKept(request, () => {
          const told = slack.responses.find((r) => r.path === answerPath);
          return told ? { ok: false, text: String(told.body.text) } : { ok: true };
        });
      },
      redeliverLast() {
        if (!last) throw new Error('nothing was sent yet');
        return last();
      },
      settled: () => h.settled(),
    };
  });

  return () => {
    if (!world) throw new Error('the Slack world is built in beforeAll');
    return world;
  };
}
