import type { Activity } from 'botbuilder';
import { baseConversation } from '../teams-refs.ts';

/** How Teams names a reply chain in a channel's conversation id: `<channel>;messageid=<root>`. */
const REPLY_CHAIN = ';messageid=';

/** The root activity id of the reply chain a channel conversation id names, if it names one. */
export function chainRoot(conversationId: string): string | undefined {
  const at = conversationId.indexOf(REPLY_CHAIN);
  return at < 0 ? undefined : conversationId.slice(at + REPLY_CHAIN.length) || undefined;
}

/**
 * A new post in a channel, not a reply. Teams names every channel message's conversation with the
 * reply chain it is in, `<channel>;messageid=<the chain's first message>`, so a new post comes as
 * the chain it starts: its own activity id is the root. (A conversation id without a chain, which
 * older clients and test tools send, is a post too, unless it says what it replies to.)
 */
export function isNewChannelPost(activity: Partial<Activity>): boolean {
  if (activity.conversation?.conversationType !== 'channel' || !activity.id) return false;
  const root = chainRoot(activity.conversation.id);
  if (root === undefined) return !activity.replyToId;
  return root === activity.id;
}

/** The channel's own conversation id, without the reply chain the activity came in. */
export const channelOf = (activity: Partial<Activity>): string =>
  baseConversation(activity.conversation?.id ?? '');
