import type { Ticket } from '../domain/tickets/ticket.ts';

/** The actions a message's button can stand for; the channel asks for any input they need. */
export const BUTTON_ACTIONS = [
  'claim',
  'assign',
  'start',
  'wait',
  'resume',
  'resolve',
  'priority',
  'accept',
  'reopen',
  'acknowledge',
  'approveEstimate',
] as const;
export type ButtonActionName = (typeof BUTTON_ACTIONS)[number];

/**
 * The step of the ticket a button for `action` is made for, or undefined when the action acts on
 * whatever the ticket is now (claim, assign, priority…: their cards are updated in place). A button
 * pressed when the ticket's step for it is no longer the one it carries is stale.
 *
 * - acknowledge: the escalation level that was announced ("level2").
 * - accept / reopen: the resolution the customer was asked about (its instant).
 * - approveEstimate: the estimate that was flagged (its instant).
 */
export function stepFor(ticket: Ticket, action: ButtonActionName): string | undefined {
  switch (action) {
    case 'acknowledge':
      return `level${ticket.sla.escalationLevel}`;
    case 'accept':
    case 'reopen':
      return ticket.resolvedAt ? `resolved@${ticket.resolvedAt.toISOString()}` : undefined;
    case 'approveEstimate':
      return ticket.billable ? `estimate@${ticket.billable.flaggedAt.toISOString()}` : undefined;
    default:
      return undefined;
  }
}
