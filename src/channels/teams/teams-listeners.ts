import { cardActionListeners } from './listeners/card-actions.ts';
import { chatReplyListeners } from './listeners/chat-replies.ts';
import { customerChannelListeners } from './listeners/customer-channels.ts';
import { installListeners } from './listeners/installs.ts';
import { intakeListeners } from './listeners/intake.ts';
import { messageActionListeners } from './listeners/message-actions.ts';
import { openTicketListeners } from './listeners/open-ticket.ts';
import { overviewListeners } from './listeners/overview.ts';
import { replyListeners } from './listeners/replies.ts';
import type { TeamsListener } from './teams-context.ts';

/**
 * Every group of listeners the desk's Teams bot has, in the order a turn is offered to them: the
 * ones that recognise their own activities first (invokes by their names and commands), then
 * replies in a ticket's reply chain before new posts in a customer channel (a post names the
 * chain it starts, which replies leave alone), replies in a person's chat (its reply boxes and
 * quotes) before intake, last, because any other personal message is answered with the new-ticket
 * form.
 */
export const TEAMS_LISTENERS: readonly TeamsListener[] = [
  installListeners,
  cardActionListeners,
  openTicketListeners,
  messageActionListeners,
  replyListeners,
  customerChannelListeners,
  chatReplyListeners,
  overviewListeners,
  intakeListeners,
];
