import type { WebClient } from '@slack/web-api';
import type { ChatUser } from '../../../app/chat/chat-user.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { openFromChannelMessage } from '../../../app/chat/open-from-chat.ts';
import { replyInThread } from '../../../app/chat/reply-in-thread.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import { isPleasantry } from '../../../domain/tickets/pleasantries.ts';
import { translate } from '../../../i18n/translate.ts';
import { readerLocale, refusalText, type SlackContext, type SlackListeners } from '../slack-context.ts';
import { slackRef } from '../slack-refs.ts';
import { fromSlackText } from '../slack-text.ts';
import { titleFrom } from '../../ticket-form.ts';

/** A message a person wrote, with what the desk reads of it. */
interface GenericMessageEvent {
  channel: string;
  channel_type?: string;
  user: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  /** Files shared with the message (a screenshot, a log): kept as their links. */
  files?: { name?: string; permalink?: string }[];
}

/** What a person wrote: a plain message, one also sent to the channel, or one with files. */
const WRITTEN_SUBTYPES: ReadonlySet<string | undefined> = new Set([
  undefined,
  'thread_broadcast',
  'file_share',
]);

/** A message a person wrote, as the desk takes it: no edits, bots, joins or other subtypes. */
function written(event: object): event is GenericMessageEvent {
  const { subtype, bot_id: bot, user } = event as { subtype?: string; bot_id?: string; user?: string };
  return WRITTEN_SUBTYPES.has(subtype) && !bot && typeof user === 'string';
}

/** The message's words as the desk keeps them, with the links of the files shared with it. */
function wordsOf(event: GenericMessageEvent): string {
  const files = (event.files ?? [])
    .filter((file) => file.permalink)
    .map((file) => (file.name ? `${file.name}: ${file.permalink!}` : file.permalink!));
  return [fromSlackText(event.text ?? ''), ...files].filter(Boolean).join('\n');
}

/**
 * Messages: a reply in a ticket's thread is a comment on it (in the triage thread an internal
 * note, unless it starts with the reply prefix); a top-level message from a contact in their
 * organisation's customer channel opens a ticket, answered in its thread; a top-level message
 * in the bot's DM is told how to open or follow one. Everything else is none of the desk's
 * business. A message's channel and ts name it, so Slack's redelivery acts once.
 */
export const messageListeners: SlackListeners = (app, context) => {
  app.event('message', async ({ event, body, client }) => {
    if (!written(event)) return;
    const team = (body as { team_id?: string }).team_id;
    const inThread = event.thread_ts !== undefined && event.thread_ts !== event.ts;
    try {
      if (inThread) await reply(context, event, team);
      else if (event.channel_type === 'im') await hint(context, client, event);
      else await openFromChannel(context, client, event, team);
    } catch (error) {
      await client.chat
        .postEphemeral({
          channel: event.channel,
          user: event.user,
          ...(event.thread_ts ? { thread_ts: event.thread_ts } : {}),
          text: await refusalText(context, event.user, error),
        })
        .catch((failed: unknown) => context.logger.error({ err: failed }, 'telling a Slack user failed'));
    }
  });
};

async function reply(context: SlackContext, event: GenericMessageEvent, team: string | undefined) {
  const place = slackRef(event.channel, event.ts, event.thread_ts);
  const written = wordsOf(event);
  const toCustomer = startsWithPrefix(written, context.replyPrefix);
  const text = toCustomer ? written.slice(context.replyPrefix.length).trim() : written;
  // Nothing is asked of Slack for a thread that is not a ticket's: most are not.
  if (!(await context.deps.conversations.ticketOfThread('slack', place.thread))) return;
  await replyInThread(context.deps, {
    channel: 'slack',
    eventId: `message:${place.id}`,
    from: await context.users.get(team, event.user),
    thread: place.thread,
    text,
    ...(toCustomer ? { toCustomer } : {}),
  });
}

function startsWithPrefix(text: string, prefix: string): boolean {
  if (!text.toLowerCase().startsWith(prefix.toLowerCase())) return false;
  const next = text.charAt(prefix.length);
  return next === '' || /\s/.test(next);
}

/** A customer's new message in their organisation's channel: a ticket, answered in its thread. */
async function openFromChannel(
  context: SlackContext,
  client: WebClient,
  event: GenericMessageEvent,
  team: string | undefined,
) {
  const organisationId = await context.deps.customerPlaces.organisationOf('slack', event.channel);
  if (!organisationId) return;
  const text = wordsOf(event);
  if (!text || isPleasantry(text)) return;
  const from = await context.users.get(team, event.user);
  const writer = await identifyChatUser(context.deps, from);
  // The desk's own people talk in customer channels too; that is conversation, not a ticket.
  if (isDeskSide(writer)) return;
  await openMessage(context, from, { channel: event.channel, ts: event.ts, organisationId }, text);
}

/** Opens the ticket a customer's message in a customer channel stands for, once per message. */
export async function openMessage(
  context: SlackContext,
  from: ChatUser,
  place: { channel: string; ts: string; organisationId: string },
  text: string,
): Promise<void> {
  await openFromChannelMessage(context.deps, {
    channel: 'slack',
    from,
    message: slackRef(place.channel, place.ts),
    text,
    title: titleFrom(text),
    organisationId: place.organisationId,
  });
}

/** The bot's DM is no ticket's thread: how to open one, and where to follow one. */
async function hint(context: SlackContext, client: WebClient, event: GenericMessageEvent) {
  const text = translate(await readerLocale(context, event.user), 'slack.dmHint');
  await client.chat.postMessage({ channel: event.channel, text });
}
