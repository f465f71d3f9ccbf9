import type { MessageRef } from '../../app/messaging/channel.ts';

/**
 * Where a Teams message lives, and how the desk writes it down.
 *
 * A message is its connector (`serviceUrl`), its conversation and its activity id. A reply chain
 * in a channel is itself a conversation for the connector: the channel's conversation id with
 * `;messageid=<root activity id>`, as Teams names it in every activity of the chain. A personal
 * (1:1) chat has no reply chains, and one person's chat holds all their tickets: a ticket's thread
 * there is named by its first message in the chat, and the desk's later messages about it are
 * posted as replies to that message (`replyToId`), so that each ticket keeps a thread of its own.
 *
 * Each goes into one string, so the core can store and compare them without knowing Teams:
 *
 * - message id:  `<serviceUrl>|<conversation id>|<activity id>`
 * - thread:      `<serviceUrl>|<conversation id of the reply chain>` in a channel,
 *                `<serviceUrl>|<chat id>|<first message's activity id>` in a chat (its root's id)
 * - the triage place in the settings (`teams` target): `<serviceUrl>|<channel conversation id>`,
 *   e.g. `https://smba.trafficmanager.net/emea/|19:abc…@thread.tacv2`
 *
 * A service URL holds no `|` (it would be percent-encoded), and neither does a Teams conversation
 * or activity id; the Bot Framework Emulator's conversation ids do (`<id>|livechat`), so a `|` in
 * an id is written `%7C` and read back, and each string splits back one way only. The service URL
 * is written with one trailing slash, so the same connector always reads the same.
 */
export interface TeamsPlace {
  serviceUrl: string;
  conversationId: string;
}

export interface TeamsMessagePlace extends TeamsPlace {
  activityId: string;
}

/** Where a thread's messages are posted: a reply chain's conversation, or a chat under its root. */
export interface TeamsThreadPlace extends TeamsPlace {
  /** In a chat: the thread's first message, which the desk's later messages reply to. */
  replyToId?: string;
}

const SEPARATOR = '|';
const REPLY_CHAIN = ';messageid=';

/** An id as a reference writes it: its `|`, if any, escaped, so that it never reads as a separator. */
const written = (id: string): string => id.replaceAll(SEPARATOR, '%7C');
/** An id as a reference wrote it, read back. */
const read = (id: string): string => id.replaceAll('%7C', SEPARATOR);

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
  return `${normalServiceUrl(serviceUrl)}${SEPARATOR}${written(conversationId)}`;
}

/**
 * The reference of a message posted as `activityId` in `conversationId`: a post in a thread keeps
 * it (`{ in }`); a first post in a channel starts a reply chain under itself (`replyChain`); a
 * first post in a chat starts a thread named by itself (`chatThread`).
 */
export function teamsRef(
  place: TeamsMessagePlace,
  thread: 'replyChain' | 'chatThread' | { in: string },
): MessageRef {
  const { serviceUrl, conversationId, activityId } = place;
  if (!activityId) throw new Error('a Teams activity id is empty');
  const id = `${teamsThread(serviceUrl, conversationId)}${SEPARATOR}${written(activityId)}`;
  if (typeof thread === 'object') return { id, thread: thread.in };
  if (thread === 'chatThread') return { id, thread: id };
  return { id, thread: teamsThread(serviceUrl, replyChain(conversationId, activityId)) };
}

/** The thread of a chat's message `activityId`, as the desk named it when it posted that message. */
export const chatThreadOf = (serviceUrl: string, chatId: string, activityId: string): string =>
  `${teamsThread(serviceUrl, chatId)}${SEPARATOR}${written(activityId)}`;

/** Where a thread's messages go: its reply chain's conversation, or its chat under its root. */
export function teamsThreadPlace(thread: string): TeamsThreadPlace {
  const parts = thread.split(SEPARATOR);
  if (parts.length === 3) {
    const { activityId, ...chat } = teamsMessagePlace(thread);
    return { ...chat, replyToId: activityId };
  }
  return teamsPlace(thread);
}

/** The connector and conversation a thread (or the triage target) stands for. */
export function teamsPlace(encoded: string): TeamsPlace {
  const at = encoded.indexOf(SEPARATOR);
  if (at <= 0 || at === encoded.length - 1 || encoded.indexOf(SEPARATOR, at + 1) >= 0) {
    throw new Error(`not a Teams conversation reference: ${encoded}`);
  }
  return { serviceUrl: normalServiceUrl(encoded.slice(0, at)), conversationId: read(encoded.slice(at + 1)) };
}

/** The connector, conversation and activity a message id stands for. */
export function teamsMessagePlace(encoded: string): TeamsMessagePlace {
  const first = encoded.indexOf(SEPARATOR);
  const last = encoded.lastIndexOf(SEPARATOR);
  const parts = encoded.split(SEPARATOR);
  if (parts.length !== 3 || parts.some((part) => !part)) {
    throw new Error(`not a Teams message reference: ${encoded}`);
  }
  return {
    serviceUrl: normalServiceUrl(encoded.slice(0, first)),
    conversationId: read(encoded.slice(first + 1, last)),
    activityId: read(encoded.slice(last + 1)),
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
