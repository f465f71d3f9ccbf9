import type { TurnContext } from 'botbuilder';
import type { ChatUser } from '../../../app/chat/chat-user.ts';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { openFromChannelMessage } from '../../../app/chat/open-from-chat.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { isDeskSide, type Person } from '../../../domain/desk/people.ts';
import { isPleasantry } from '../../../domain/tickets/pleasantries.ts';
import { refusalText, type TeamsContext, type TeamsListener } from '../teams-context.ts';
import { normalServiceUrl, teamsRef } from '../teams-refs.ts';
import { withoutTags } from '../teams-text.ts';
import { titleFrom } from '../../ticket-form.ts';
import { channelOf, isNewChannelPost } from './channel-messages.ts';

/**
 * The organisation a team channel is mapped to (`places map --channel teams`): the place is
 * written as the triage place is, `<serviceUrl>|<channel conversation id>`; the channel's id
 * alone, which Teams keeps the same whatever connector serves it, is read too.
 */
export async function organisationOfChannel(
  context: TeamsContext,
  serviceUrl: string,
  channel: string,
): Promise<string | undefined> {
  const places = context.deps.customerPlaces;
  return (
    (await places.organisationOf('teams', `${normalServiceUrl(serviceUrl)}|${channel}`)) ??
    (await places.organisationOf('teams', channel))
  );
}

/** The writer, when the desk knows them; anyone else is no one a customer channel answers. */
async function writerOf(context: TeamsContext, from: ChatUser): Promise<Person | undefined> {
  try {
    return await identifyChatUser(context.deps, from);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

async function open(turn: TurnContext, context: TeamsContext, organisationId: string, text: string) {
  const { activity } = turn;
  const from = await context.users.of(turn);
  if (!from) return;
  const writer = await writerOf(context, from);
  // The desk's own people, strangers (guests of the team) and other customers' contacts talk in
  // the channel too: conversation, not a ticket, and nothing said back where all of them read.
  if (!writer || isDeskSide(writer) || writer.organisationId !== organisationId) {
    context.logger.info(
      { activityId: activity.id, known: writer !== undefined },
      'a Teams customer channel post opened no ticket',
    );
    return;
  }
  const post = {
    serviceUrl: activity.serviceUrl,
    conversationId: channelOf(activity),
    activityId: activity.id ?? '',
  };
  await openFromChannelMessage(context.deps, {
    channel: 'teams',
    from,
    message: teamsRef(post, 'replyChain'),
    text,
    title: titleFrom(text),
    organisationId,
  });
}

/**
 * Customer channels: a new post in a team channel mapped to an organisation, by a registered
 * contact of that organisation, opens a ticket whose public conversation is the post's reply
 * chain (the desk's confirmation and public messages come as replies there, and the customer's
 * replies there are comments, taken by replyListeners). Small talk, the desk's own people,
 * strangers and other organisations' contacts open nothing. Once per post, however often Teams
 * delivers it. Replies, and posts in channels no one mapped, are left to the others.
 */
export const customerChannelListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type !== 'message' || !activity.serviceUrl || !isNewChannelPost(activity)) return false;
  const organisationId = await organisationOfChannel(context, activity.serviceUrl, channelOf(activity));
  if (!organisationId) return false;
  const text = withoutTags(activity.text ?? '');
  if (!text || isPleasantry(text)) return true;
  try {
    await open(turn, context, organisationId, text);
  } catch (error) {
    // Said in the post's own reply chain, which only the channel's organisation reads.
    await turn.sendActivity(await refusalText(context, turn, error));
  }
  return true;
};
