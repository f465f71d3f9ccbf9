import type { TicketEvent } from '../domain/tickets/events.ts';
import type { Locale } from '../domain/locale.ts';
import type { Audience, MessageButton } from './messaging/message.ts';

/** A person, or the desk's triage channel where agents pick up work. */
export type Recipient = { kind: 'person'; personId: string } | { kind: 'triage' };

/**
 * A notification as the change that caused it decided it: who is told, with which message and
 * buttons, about which event, and the ticket's facts as they were then. Committed with the change;
 * composed into a message (names, the reader's language) when the change is carried out, and
 * rendered by each channel when delivered.
 */
export interface Notice {
  /** Stable across re-runs of the same change: the outbox and the delivery log keep one per id. */
  id: string;
  recipient: Recipient;
  /** The conversation it belongs in; absent on notices committed before conversations existed. */
  audience?: Audience;
  /** `card`: the ticket's triage card, posted once and then updated in place. */
  kind?: 'post' | 'card';
  ticketId: string;
  key: string;
  event: TicketEvent;
  buttons?: MessageButton[];
  subject: NoticeSubject;
}

/** The ticket and its organisation as the change left them. */
export interface NoticeSubject {
  title: string;
  priority: string;
  requestedPriority?: string;
  responseDue?: Date;
  resolutionDue?: Date;
  /** Business time left on each running clock when the change was made, and when the desk opens if it was closed. */
  responseLeftMs?: number;
  resolutionLeftMs?: number;
  opensAt?: Date;
  /** The escalation level reached and the highest one acknowledged, once the ticket escalated. */
  escalation?: { level: number; acknowledged: number };
  assigneeId?: string;
  requesterId?: string;
  status?: string;
  category?: string;
  /** The ticket's version after the change. */
  version?: number;
  organisation: { name: string; locale: Locale; timeZone: string };
}
