import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll } from 'vitest';
import type { ButtonActionName } from '../../../src/app/action-steps.ts';
import type { Person } from '../../../src/domain/desk/people.ts';
import { TEAMS_LISTENERS } from '../../../src/channels/teams/teams-listeners.ts';
import { NEW_TICKET_VERB } from '../../../src/channels/teams/teams-ticket-form.ts';
import type { Answer, ChannelWorld, SeenMessage } from '../contract/channel-contract.ts';
import {
  TRIAGE_CHANNEL,
  useTeamsDesk,
  type Activity,
  type ConnectorCall,
  type TeamsHarness,
  type TeamsMember,
} from './support/teams-harness.ts';

const en = JSON.parse(readFileSync('locales/en.json', 'utf8'));

/** A message as Teams keeps it, rebuilt from the connector calls that posted and updated it. */
interface KeptMessage {
  conversation: string;
  activityId: string;
  /** What a person sees as its thread: a channel's reply chain, or in a chat its first message. */
  thread: string;
  // The card as it is now: tests read into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  card: any;
  text: string;
  updates: number;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;
const CHAIN = ';messageid=';

/** Teams' message list, as the people in each conversation see it. */
function keptMessages(calls: readonly ConnectorCall[]): KeptMessage[] {
  const messages: KeptMessage[] = [];
  for (const call of calls) {
    const [, conversation, activityId] = ACTIVITIES.exec(call.path) ?? [];
    if (!conversation || !call.body || call.failedWith !== undefined) continue;
    if (call.method === 'PUT') {
      const kept = messages.find((m) => m.conversation === conversation && m.activityId === activityId);
      if (kept) Object.assign(kept, contentOf(call.body), { updates: kept.updates + 1 });
      continue;
    }
    if (call.method !== 'POST' || !call.answeredId) continue;
    const inChain = conversation.includes(CHAIN);
    const channel = conversation.includes('@thread');
    // A reply to a message (activityId in the path) in a chat is in that message's thread.
    const thread = channel
      ? inChain
        ? conversation
        : `${conversation}${CHAIN}${call.answeredId}`
      : `${conversation}|${activityId ?? call.answeredId}`;
    messages.push({
      conversation,
      activityId: call.answeredId,
      thread,
      ...contentOf(call.body),
      updates: 0,
    });
  }
  return messages;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function contentOf(body: any): { card: any; text: string } {
  const card = body.attachments?.find(
    (a: { contentType?: string }) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  )?.content;
  return { card, text: card ? wordsOfCard(card) : String(body.text ?? '') };
}

/** What a reader sees of a card: its text blocks and facts, without the markdown escapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function wordsOfCard(card: any): string {
  const words: string[] = [];
  for (const block of card.body ?? []) {
    if (block.type === 'TextBlock') words.push(block.text);
    if (block.type === 'FactSet') for (const f of block.facts) words.push(`${f.title}: ${f.value}`);
  }
  return words.join('\n').replace(/\\(.)/g, '$1');
}

function seen(message: KeptMessage): SeenMessage {
  const chainRoot = message.thread === `${message.conversation}${CHAIN}${message.activityId}`;
  const chatRoot = message.thread === `${message.conversation}|${message.activityId}`;
  const actions: { type?: string; verb?: string }[] = message.card?.actions ?? [];
  return {
    ref: chainRoot || chatRoot ? message.thread : `${message.thread}|${message.activityId}`,
    thread: message.thread,
    text: message.text,
    buttons: actions
      .filter((a) => a.type === 'Action.Execute' && a.verb?.startsWith('sladesk:'))
      .map((a) => a.verb!.slice('sladesk:'.length) as ButtonActionName),
    updates: message.updates,
  };
}

/** The activity id Teams gives an event of the suite: one per event id, so a redelivery has the same. */
const activityIdOf = (eventId: string): string =>
  String(
    1_900_000_000_000 + (parseInt(createHash('sha256').update(eventId).digest('hex').slice(0, 8), 16) % 1e9),
  );

/** An answer Teams shows the one who acted, as the invoke's body carries it. */
const fill = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\}/g, '.+')}$`);
const DONE = [
  fill(en.teams.done),
  fill(en.teams.reply.sent),
  fill(en.teams.formSent),
  fill(en.teams.messageActions.sent),
  fill(en.teams.received),
];

/**
 * Teams as the contract suite drives it: every act is the activity Teams would post to
 * `/api/messages` (with a channel token signed by the stand-in's key), and what a person sees is
 * rebuilt from what the intercepted connector was sent: their personal chat with the bot, the
 * triage channel and its reply chains, cards as updated in place.
 */
export function useTeamsWorld(): () => ChannelWorld {
  const harness = useTeamsDesk({ listeners: TEAMS_LISTENERS });
  let world: ChannelWorld | undefined;
  let last: (() => Promise<Answer>) | undefined;

  beforeAll(() => {
    const h: TeamsHarness = harness();
    const members = new Map<string, TeamsMember>();
    const memberOf = (person: Person) => {
      const member = members.get(person.id);
      if (!member) throw new Error(`${person.name} is not in Teams`);
      return member;
    };
    const find = (ref: string) => {
      const kept = keptMessages(h.calls).find((m) => seen(m).ref === ref);
      if (!kept) throw new Error(`no message ${ref} was posted`);
      return kept;
    };

    /** Sends the activity; the answer is the invoke's message, or what the bot said back in the turn. */
    const sendKept = (activity: Activity) => {
      const once = async () => {
        const from = h.calls.length;
        const reply = await h.send(activity);
        if (reply.status !== 200)
          throw new Error(`Teams' activity was answered ${reply.status}: ${reply.text}`);
        if (activity.type === 'invoke') {
          // A card action's answer is its body's value; a message action's, its task's.
          const body = JSON.parse(reply.text || '{}');
          const said = String(body.task?.value ?? body.value ?? '');
          return DONE.some((done) => done.test(said))
            ? { ok: true as const }
            : { ok: false as const, text: said };
        }
        const told = h.calls
          .slice(from)
          .find((call) => call.method === 'POST' && typeof call.body?.text === 'string');
        return told ? { ok: false as const, text: String(told.body.text) } : { ok: true as const };
      };
      last = once;
      return once();
    };

    world = {
      deps: h.deps,
      clock: h.api.desk.clock,
      async customer(name) {
        const customer = await h.api.desk.seedCustomer(name);
        const { organisation: _organisation, ...people } = customer;
        for (const person of Object.values(people))
          members.set(person.id, await h.inTeams(person, { chat: true }));
        return customer;
      },
      async open(person, ticket, eventId) {
        const data = {
          title: ticket.title,
          description: ticket.description,
          category: 'incident',
          impact: 'several',
        };
        const activity = h.cardAction(
          memberOf(person),
          { verb: NEW_TICKET_VERB, data },
          {},
          { id: activityIdOf(eventId) },
        );
        const answer = await sendKept(activity);
        if (!answer.ok) throw new Error(`the form was answered ${answer.text}`);
        const page = await h.deps.tickets.list({ organisationId: person.organisationId! });
        const opened = page.tickets.find((t) => t.title === ticket.title);
        if (!opened) throw new Error(`no ticket “${ticket.title}” was opened`);
        return opened.id;
      },
      async seenBy(who) {
        const where = who === 'triage' ? TRIAGE_CHANNEL : h.personalConversation(memberOf(who));
        return keptMessages(h.calls)
          .filter((m) => m.conversation.split(CHAIN)[0] === where && m.card)
          .map(seen);
      },
      reply(person, message, text, eventId, options = {}) {
        const member = memberOf(person);
        const id = activityIdOf(eventId);
        const kept = find(message.ref);
        if (kept.thread.includes(CHAIN)) {
          const [channel, root] = kept.thread.split(CHAIN) as [string, string];
          const written = h.channelMessage(member, text, { channel, rootActivityId: root }, { id });
          if (!options.toCustomer) return sendKept(written);
          // Teams' way: the reply is posted in the card's thread, then "Send to customer" on it.
          return (async () => {
            const posted = await h.send(written);
            if (posted.status !== 200) throw new Error(`the reply was answered ${posted.status}`);
            const message = { id, html: `<p>${text}</p>`, channel, rootActivityId: root, from: member };
            return sendKept(h.messageAction(member, 'submitAction', 'sendToCustomer', message, {}));
          })();
        }
        const ticketId = kept.card?.actions?.find((a: { type?: string }) => a.type === 'Action.ShowCard')
          ?.card?.actions?.[0]?.data?.ticketId;
        if (!ticketId) throw new Error(`message ${message.ref} has no reply box`);
        return sendKept(
          h.cardAction(
            member,
            { verb: 'sladesk_reply', data: { ticketId, reply: text } },
            { replyToId: kept.activityId },
            { id },
          ),
        );
      },
      press(person, message, action, eventId) {
        const kept = find(message.ref);
        const button = (kept.card?.actions ?? []).find(
          (a: { verb?: string }) => a.verb === `sladesk:${action}`,
        );
        if (!button) throw new Error(`message ${message.ref} has no ${action} button`);
        const conversationId = kept.thread.includes(CHAIN) ? kept.thread : kept.conversation;
        return sendKept(
          h.cardAction(
            memberOf(person),
            { verb: button.verb, data: button.data },
            { conversationId, replyToId: kept.activityId },
            { id: activityIdOf(eventId) },
          ),
        );
      },
      redeliverLast() {
        if (!last) throw new Error('nothing was sent yet');
        return last();
      },
      // Teams waits for the turn (up to 15 s): the bot's work is done when the activity is answered.
      settled: async () => undefined,
    };
  });

  return () => {
    if (!world) throw new Error('the Teams world is built in beforeAll');
    return world;
  };
}
