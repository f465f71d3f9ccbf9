import type { TicketStatus } from '../../domain/tickets/ticket.ts';

/** The emoji (Slack names, without colons) that show and set a ticket's state on the customer's message. */
export interface StatusEmoji {
  claimed: string;
  waiting: string;
  resolved: string;
}

export const DEFAULT_STATUS_EMOJI: StatusEmoji = {
  claimed: 'eyes',
  waiting: 'hourglass_flowing_sand',
  resolved: 'white_check_mark',
};

/** The emoji that opens a ticket from a message in a customer channel. */
export const TICKET_EMOJI = 'ticket';

/** The emoji a ticket in `status` shows, if any. */
export function emojiFor(status: string, emoji: StatusEmoji): string | undefined {
  switch (status as TicketStatus) {
    case 'claimed':
    case 'in_progress':
      return emoji.claimed;
    case 'waiting_on_customer':
      return emoji.waiting;
    case 'resolved':
    case 'closed':
      return emoji.resolved;
    default:
      return undefined;
  }
}

/** The action a desk person's emoji stands for. */
export function actionFor(reaction: string, emoji: StatusEmoji): 'claim' | 'wait' | 'resolve' | undefined {
  if (reaction === emoji.claimed) return 'claim';
  if (reaction === emoji.waiting) return 'wait';
  if (reaction === emoji.resolved) return 'resolve';
  return undefined;
}
