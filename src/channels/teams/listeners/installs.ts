import type { TurnContext } from 'botbuilder';
import { identifyChatUser } from '../../../app/chat/identify-chat-user.ts';
import { DomainError } from '../../../domain/domain-error.ts';
import { refusalText, type TeamsListener } from '../teams-context.ts';

/** The installation actions that put the app in a person's chat (a first install, an upgrade). */
const INSTALLED = new Set(['add', 'add-upgrade']);

/** The app was installed in this turn's conversation: the bot is there now. */
function installed(turn: TurnContext): boolean {
  const { activity } = turn;
  if (activity.type === 'installationUpdate') return INSTALLED.has(String(activity.action ?? ''));
  if (activity.type === 'conversationUpdate') {
    const bot = activity.recipient?.id;
    return bot !== undefined && (activity.membersAdded ?? []).some((member) => member.id === bot);
  }
  return false;
}

/**
 * The app installed for a person (`installationUpdate` add / add-upgrade, or the bot among a
 * conversationUpdate's membersAdded) in their personal chat: the person is identified as every
 * Teams user is (their Entra object id, else on first contact the address `TeamsInfo.getMember`
 * gives, then linked), and the chat's conversation is kept on their Teams identity, so that the
 * desk can write to them later. Someone the desk does not know is told so in the chat, and
 * nothing is stored. Teams sends both activities for one install; the second finds nothing new.
 * Installs in a team or group chat, and removals, are taken and left alone for now.
 */
export const installListeners: TeamsListener = async (turn, context) => {
  const { activity } = turn;
  if (activity.type === 'installationUpdate') {
    if (!installed(turn) || activity.conversation?.conversationType !== 'personal') return true;
  } else if (activity.type === 'conversationUpdate') {
    if (!installed(turn) || activity.conversation?.conversationType !== 'personal') return false;
  } else {
    return false;
  }
  const user = await context.users.of(turn);
  if (!user) return true;
  try {
    await identifyChatUser(context.deps, user);
  } catch (error) {
    // Anything but the desk's refusal (the database away) fails the turn: the channel delivers again.
    if (!(error instanceof DomainError)) throw error;
    await turn.sendActivity({ type: 'message', text: await refusalText(context, turn, error) });
  }
  return true;
};
