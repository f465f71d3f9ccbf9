import type { MessageRef } from '../../app/messaging/channel.ts';

/**
 * Where a Teams message lives, and how the desk writes it down.
 *
 * A message is its connector (`serviceUrl`), its conversation and its activity id. A reply chain
 * in a channel is itself a conversation for the connector: the channel's conversation id with
 * `;messageid=<root activity id>`, as Teams names it in every activity of the chain. A personal
 * (1:1) or group chat has no reply chains: its thread is the conversation itself.
 *
 * Each goes into one string, so the core can store and compare them without knowing Teams:
 *
 * - message id: `<serviceUrl>|<conversation id>|<activity id>`
 * - thread:     `<serviceUrl>|<conversation id of the thread>`
 * - the triage place in the settings (`teams` target): `<serviceUrl>|<channel conversation id>`,
 *   e.g. `https://smba.trafficmanager.net/emea/|19:abc…@thread.tacv2`
 *
 * The service URL never holds a `|` (it would be percent-encoded), and is written with one
 * trailing slash, so the same connector always reads the same. The conversation id is everything
 * between the first `|` and, in a message id, the last.
 */
export interface TeamsPlace {
  serviceUrl: string;
  conversationId: string;
}

export interface TeamsMessagePlace extends TeamsPlace {
  activityId: string;
}

const SEPARATOR = '|';
const REPLY_CHAIN = ';messageid=';

/** A service URL as references write it: trimmed, with exactly one trailing slash. */
export function normalServiceUrl(serviceUrl: string): string {
  const trimmed = serviceUrl.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^|\s]+$/i.test(trimmed)) throw new Error(`not a Teams service URL: ${serviceUrl}`);
  return `${trimmed}/`;
}

/** The channel (or chat) a conversation id belongs to, without the reply chain it may name. */
export const baseConversation = (conversationId: string): string => {
  const at = conversationId.indexOf(REPLY_CHAIN);
  return at < 0 ? conversationId : conversationId.slice(0, at);
};

/** The conversation id of the reply chain under `rootActivityId` in a channel. */
export const replyChain = (channelConversationId: string, rootActivityId: string): string =>
  `${baseConversation(channelConversationId)}${REPLY_CHAIN}${rootActivityId}`;

/** The thread string for a conversation (a reply chain, or a chat), as replies in it are found by. */
export function teamsThread(serviceUrl: string, conversationId: string): string {
  if (!conversationId) throw new Error('a Teams conversation id is empty');
  return `${normalServiceUrl(serviceUrl)}${SEPARATOR}${conversationId}`;
}

/**
 * The reference of a message posted as `activityId` in `conversationId`. A message that starts a
 * reply chain in a channel (`startsReplyChain`) is that chain's root; a reply keeps the thread it
 * was posted in; a message in a chat is threaded on the chat.
 */
export function teamsRef(
  place: TeamsMessagePlace,
  thread: { startsReplyChain: boolean } | { in: string },
): MessageRef {
  const { serviceUrl, conversationId, activityId } = place;
  if (!activityId) throw new Error('a Teams activity id is empty');
  const id = `${teamsThread(serviceUrl, conversationId)}${SEPARATOR}${activityId}`;
  if ('in' in thread) return { id, thread: thread.in };
  const chain = thread.startsReplyChain ? replyChain(conversationId, activityId) : conversationId;
  return { id, thread: teamsThread(serviceUrl, chain) };
}

/** The connector and conversation a thread (or the triage target) stands for. */
export function teamsPlace(encoded: string): TeamsPlace {
  const at = encoded.indexOf(SEPARATOR);
  if (at <= 0 || at === encoded.length - 1) throw new Error(`not a Teams conversation reference: ${encoded}`);
  return { serviceUrl: normalServiceUrl(encoded.slice(0, at)), conversationId: encoded.slice(at + 1) };
}

/** The connector, conversation and activity a message id stands for. */
export function teamsMessagePlace(encoded: string): TeamsMessagePlace {
  const first = encoded.indexOf(SEPARATOR);
  const last = encoded.lastIndexOf(SEPARATOR);
  if (first <= 0 || last <= first + 1 || last === encoded.length - 1) {
    throw new Error(`not a Teams message reference: ${encoded}`);
  }
  return {
    serviceUrl: normalServiceUrl(encoded.slice(0, first)),
    conversationId: encoded.slice(first + 1, last),
    activityId: encoded.slice(last + 1),
  };
}

/**
 * The triage place as the settings name it, `<serviceUrl>|<channel conversation id>`. It must be
 * a channel itself: a target naming one reply chain would put every ticket in that one thread.
 */
export function teamsTriagePlace(target: string): TeamsPlace {
  const place = teamsPlace(target.trim());
  if (place.conversationId.includes(REPLY_CHAIN)) {
    throw new Error(`the Teams triage target names a reply chain, not a channel: ${target}`);
  }
  return place;
}
