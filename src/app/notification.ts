import type { TicketEvent } from '../domain/tickets/events.ts';

/** A person, or the desk's triage channel where agents pick up work. */
export type Recipient = { kind: 'person'; personId: string } | { kind: 'triage' };

/** Buttons a channel may offer with a message; the server checks again when one is pressed. */
export type NotificationAction =
  | { kind: 'claim' }
  | { kind: 'acknowledge'; level: number }
  | { kind: 'accept' }
  | { kind: 'reopen' }
  | { kind: 'approveEstimate' };

/**
 * One message for one recipient about one event, already said in the recipient's language. Channels
 * post `text` (threaded on the ticket's conversation) and may render `actions` as buttons; a
 * web-hook passes on the whole structure.
 */
export interface Notification {
  /**
   * Stable across re-runs of the same change (ticket, version or SLA step, recipient): channels and
   * web-hook receivers may use it to drop a duplicate.
   */
  id: string;
  recipient: Recipient;
  ticketId: string;
  event: TicketEvent;
  /** The message key, for channels that render their own layout. */
  key: string;
  text: string;
  actions: NotificationAction[];
}
