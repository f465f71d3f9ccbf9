import type { TicketEvent } from '../domain/tickets/events.ts';
import type { Locale } from '../domain/locale.ts';

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

/**
 * A notification as the change that caused it decided it: who is told, with which message and
 * buttons, about which event, and the ticket's facts as they were then. Stored with the change and
 * in the outbox; said in the reader's language only when delivered.
 */
export interface Notice {
  /** Stable across re-runs of the same change: the outbox and the delivery log keep one per id. */
  id: string;
  recipient: Recipient;
  ticketId: string;
  key: string;
  event: TicketEvent;
  actions: NotificationAction[];
  subject: NoticeSubject;
}

/** The ticket and its organisation as the change left them. */
export interface NoticeSubject {
  title: string;
  priority: string;
  requestedPriority?: string;
  responseDue?: Date;
  resolutionDue?: Date;
  assigneeId?: string;
  organisation: { name: string; locale: Locale; timeZone: string };
}
