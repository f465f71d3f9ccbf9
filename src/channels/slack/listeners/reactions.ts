import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { pressButton } from '../../../app/chat/press-button.ts';
import { isDeskSide } from '../../../domain/desk/people.ts';
import { refusalText, type SlackContext, type SlackListeners } from '../slack-context.ts';
import { actionFor, TICKET_EMOJI } from '../slack-emoji.ts';
import { slackRef } from '../slack-refs.ts';
import { fromSlackText } from '../slack-text.ts';
import { openMessage } from './messages.ts';

interface Reaction {
  user: string;
  reaction: string;
  item: { type: string; channel?: string; ts?: string };
  item_user?: string;
  event_ts: string;
}

/**
 * Emoji on messages: 🎫 on a customer's message in their organisation's channel opens the ticket
 * it stands for (the same one its message would: one per message); a desk person's status emoji
 * on a ticket's message (the customer's, or the triage card) claims, waits or resolves it.
 */
export const reactionListeners: SlackListeners = (app, context) => {
  app.event('reaction_added', async ({ event, body, client }) => {
    const reaction = event as unknown as Reaction;
    const { channel, ts } = reaction.item;
    if (reaction.item.type !== 'message' || !channel || !ts) return;
    const team = (body as { team_id?: string }).team_id;
    try {
      if (reaction.reaction === TICKET_EMOJI) await ticketFromMessage(context, client, reaction, team);
      else await statusFromEmoji(context, reaction, team);
    } catch (error) {
      await client.chat
        .postEphemeral({
          channel,
          user: reaction.user,
          text: await refusalText(context, reaction.user, error),
        })
        .catch((failed: unknown) => context.logger.error({ err: failed }, 'telling a Slack user failed'));
    }
  });
};

async function ticketFromMessage(
  context: SlackContext,
  client: Parameters<Parameters<Parameters<SlackListeners>[0]['event']>[1]>[0]['client'],
  reaction: Reaction,
  team: string | undefined,
) {
  const channel = reaction.item.channel!;
  const ts = reaction.item.ts!;
  const author = reaction.item_user;
  const organisationId = await context.deps.customerPlaces.organisationOf('slack', channel);
  if (!author || !organisationId) return;
  // The writer asks for it, or someone of the desk does on their behalf; nobody else.
  if (reaction.user !== author) {
    const reactor = await identifyChatUser(context.deps, await context.users.get(team, reaction.user));
    if (!isDeskSide(reactor)) return;
  }
  const found = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const message = found.messages?.find((m) => m.ts === ts);
  const text = fromSlackText(message?.text ?? '');
  if (!text) return;
  await openMessage(context, await context.users.get(team, author), { channel, ts, organisationId }, text);
}

async function statusFromEmoji(context: SlackContext, reaction: Reaction, team: string | undefined) {
  const action = actionFor(reaction.reaction, context.emoji);
  if (!action) return;
  const place = slackRef(reaction.item.channel!, reaction.item.ts!);
  const ticket = await context.deps.conversations.ticketOfThread('slack', place.thread);
  if (!ticket) return;
  const from = await context.users.get(team, reaction.user);
  // The desk's own emoji on the customer's message (see slack-sender.ts) come back as events too.
  if (from.isBot) return;
  // Emoji are everyone's: a customer's 👀 is a look, not a claim, and is not refused in words.
  if (!isDeskSide(await identifyChatUser(context.deps, from))) return;
  await pressButton(context.deps, {
    channel: 'slack',
    eventId: `reaction:${reaction.user}:${place.id}:${reaction.reaction}:${reaction.event_ts}`,
    from,
    button: { action, ticketId: ticket.ticketId },
  });
}
