import { replyInThread } from '../../../app/chat/reply-in-thread.ts';
import { refusalText, type TeamsListener } from '../teams-context.ts';
import { teamsThread } from '../teams-refs.ts';
import { withoutTags } from '../teams-text.ts';
import { isNewChannelPost } from './channel-messages.ts';

/**
 * A reply in a channel's reply chain under one of the desk's messages (the triage card's, a
 * customer channel's ticket) is a comment on that ticket, in the triage chain an internal note.
 * The activity id is the event: Teams' redelivery writes nothing twice. Replies under anything
 * else are none of the desk's business, and so is a new post: Teams names it by the chain it
 * starts, which, once the post is a customer channel's ticket, is that ticket's thread.
 */
export const replyListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type !== 'message' || activity.conversation?.conversationType !== 'channel') return false;
  if (!activity.conversation.id.includes(';messageid=') || !activity.serviceUrl) return false;
  if (isNewChannelPost(activity)) return false;
  const thread = teamsThread(activity.serviceUrl, activity.conversation.id);
  if (!(await context.deps.conversations.ticketOfThread('teams', thread))) return false;
  const text = withoutTags(activity.text ?? '');
  if (!text) return true;
  try {
    const from = await context.users.of(turn);
    if (!from) return true;
    await replyInThread(context.deps, { channel: 'teams', eventId: activity.id ?? '', from, thread, text });
  } catch (error) {
    await turn.sendActivity(await refusalText(context, turn, error));
  }
  return true;
};
