import type { Locale } from '../../domain/locale.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import type { Recipient } from '../notification.ts';
import type { ButtonActionName } from '../action-steps.ts';
import type { MessageRef } from './channel.ts';

/**
 * Who a message is for on a ticket, which is also which conversation it belongs to: the requester's
 * thread, the agents' triage card, or one person's own thread (reminders, escalations).
 */
export type Audience = 'requester' | 'triage' | `person:${string}`;

/** The conversation a message for `to` belongs in, on a ticket whose requester is `requesterId`. */
export function audienceOf(to: Recipient, requesterId: string | undefined): Audience {
  if (to.kind === 'triage') return 'triage';
  return to.personId === requesterId ? 'requester' : `person:${to.personId}`;
}

/**
 * A button a channel may offer with a message. It carries the ticket and the step it was made for
 * (`madeFor`, see action-steps.ts), so that pressing it after the ticket moved on (an older
 * escalation level, a solution that was reopened since) is refused instead of acting on the
 * current state. The server checks who presses it again.
 */
export interface MessageButton {
  action: ButtonActionName;
  ticketId: string;
  madeFor?: string;
}

/**
 * The facts a message is said with, as data: each channel formats them its own way (Slack's
 * `<!date^…>`, an Adaptive Card's fact set, plain text for the log). Instants are instants,
 * durations are milliseconds; names are resolved when the message is composed.
 */
export interface MessageParams {
  ticketId: string;
  title: string;
  organisation: string;
  priority: string;
  status: string;
  requestedPriority?: string;
  previousPriority?: string;
  responseDue?: Date;
  resolutionDue?: Date;
  /** Business time left on the running clocks when the change was made (negative: late by). */
  responseLeftMs?: number;
  resolutionLeftMs?: number;
  /** When the desk opens, when the change was made while it was closed. */
  opensAt?: Date;
  /** The escalation level reached and the highest one acknowledged, once the ticket escalated. */
  escalation?: { level: number; acknowledged: number };
  /** The assignee's name, when the ticket has one. */
  assignee?: string;
  /** Who did what the message is about; absent for the desk's own clock. */
  actor?: string;
  requester?: string;
  category?: string;
  dueAt?: Date;
  lateByMs?: number;
  level?: number;
  totalEffortMs?: number;
  estimateMs?: number;
  count?: number;
  /** A comment notice's text, as written. */
  comment?: string;
  reason?: string;
}

/**
 * One message for one recipient, decided by the desk and composed for delivery: what it says (a
 * message key and its parameters), in which language and time zone, with which buttons. A
 * `card` is the ticket's living triage card: posted once and then updated in place, newest
 * ticket version winning; every other message is posted, threaded on the audience's conversation.
 */
export interface OutgoingMessage {
  /** The notice's id: the same on every channel, stable across re-runs of the change. */
  id: string;
  ticketId: string;
  recipient: Recipient;
  audience: Audience;
  kind: 'post' | 'card';
  /** The ticket version the message describes: a card never goes back to an older one. */
  ticketVersion: number;
  key: string;
  locale: Locale;
  timeZone: string;
  params: MessageParams;
  buttons: MessageButton[];
  /**
   * For the requester: the chat message they opened the ticket with, on its channel. There the
   * conversation is that message's thread instead of a new one.
   */
  origin?: { channel: string; root: MessageRef };
  /** What happened, for integrations that want more than the words (the web-hook passes it on). */
  event: TicketEvent;
}
