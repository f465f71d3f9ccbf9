import { cardActionListeners } from './listeners/card-actions.ts';
import { chatReplyListeners } from './listeners/chat-replies.ts';
import { installListeners } from './listeners/installs.ts';
import { intakeListeners } from './listeners/intake.ts';
import { replyListeners } from './listeners/replies.ts';
import type { TeamsListener } from './teams-context.ts';

/**
 * Every group of listeners the desk's Teams bot has, in the order a turn is offered to them: the
 * ones that recognise their own activities first, intake last, because any other personal message
 * is answered with the new-ticket form.
 */
export const TEAMS_LISTENERS: readonly TeamsListener[] = [
  installListeners,
  cardActionListeners,
  replyListeners,
  chatReplyListeners,
  intakeListeners,
];
