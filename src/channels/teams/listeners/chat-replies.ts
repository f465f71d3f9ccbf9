import type { TurnContext } from 'botbuilder';
import { replyInThread } from '../../../app/chat/reply-in-thread.ts';
import type { Audience } from '../../../app/messaging/message.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { translate } from '../../../i18n/translate.ts';
import { REPLY_VERB, type ReplyData } from '../teams-card.ts';
import { readerLocale, refusalText, type TeamsContext, type TeamsListener } from '../teams-context.ts';
import { answerWithMessage, cardActionOf } from '../teams-invoke.ts';
import { chatThreadOf, teamsThreadPlace } from '../teams-refs.ts';
import { ownWords, quotedMessageIds } from '../teams-text.ts';

/**
 * The thread in this chat where `ticketId`'s messages to the sender are: the requester's, or a
 * desk person's own (reminders, escalations). Undefined when the ticket has none here, which is
 * all a forged ticket id learns.
 */
async function threadHere(context: TeamsContext, turn: TurnContext, ticketId: string) {
  const aad = turn.activity.from?.aadObjectId;
  const person = aad ? await context.deps.people.findByIdentity('teams', aad) : undefined;
  const audiences: Audience[] = ['requester', ...(person ? [`person:${person.id}` as const] : [])];
  for (const audience of audiences) {
    const conversation = await context.deps.conversations.get(ticketId, 'teams', audience);
    const thread = conversation?.root.thread;
    if (thread && teamsThreadPlace(thread).conversationId === turn.activity.conversation.id) return thread;
  }
  return undefined;
}

async function reply(context: TeamsContext, turn: TurnContext, thread: string, text: string) {
  const from = await context.users.of(turn);
  if (!from) {
    throw new DomainError('notAContact', { platform: 'teams', externalId: turn.activity.from?.id ?? '' });
  }
  // The activity id is the event: Teams' redelivery of the same reply comments once.
  return replyInThread(context.deps, {
    channel: 'teams',
    eventId: turn.activity.id ?? '',
    from,
    thread,
    text,
  });
}

/** The reply box of a chat card (`Action.Execute` REPLY_VERB): a reply in that ticket's thread. */
async function fromReplyBox(turn: TurnContext, context: TeamsContext, data: unknown): Promise<void> {
  const locale = await readerLocale(context, turn);
  try {
    const { ticketId, reply: written } = (data ?? {}) as ReplyData;
    const thread = typeof ticketId === 'string' ? await threadHere(context, turn, ticketId) : undefined;
    if (!thread) {
      await answerWithMessage(turn, translate(locale, 'teams.reply.notHere'));
      return;
    }
    const outcome = await reply(context, turn, thread, typeof written === 'string' ? written : '');
    const id = outcome.kind === 'commented' ? outcome.ticket.id : ticketId;
    await answerWithMessage(turn, translate(locale, 'teams.reply.sent', { ticketId: id }));
  } catch (error) {
    await answerWithMessage(turn, await refusalText(context, turn, error));
  }
}

/**
 * Replies in a person's chat with the bot, where every ticket of theirs shares one chat: what is
 * written in a card's reply box is a reply in that card's ticket's thread; a message that quotes
 * the first message of a ticket's thread there ("Reply" in the Teams client) is one too. Any other
 * message in the chat is left to intake. A reply is public from a customer and in the requester's
 * thread, an internal note in a desk person's own thread, as in every channel.
 */
export const chatReplyListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.conversation?.conversationType !== 'personal') return false;
  const action = cardActionOf(turn);
  if (action) {
    if (action.verb !== REPLY_VERB) return false;
    await fromReplyBox(turn, context, action.data);
    return true;
  }
  if (activity.type !== 'message' || !activity.serviceUrl) return false;
  for (const quoted of quotedMessageIds(activity)) {
    const thread = chatThreadOf(activity.serviceUrl, activity.conversation.id, quoted);
    if (!(await context.deps.conversations.ticketOfThread('teams', thread))) continue;
    try {
      await reply(context, turn, thread, ownWords(activity));
    } catch (error) {
      await turn.sendActivity(await refusalText(context, turn, error));
    }
    return true;
  }
  return false;
};
