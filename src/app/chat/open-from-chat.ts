import { DomainError } from '../../domain/domain-error.ts';
import { isDeskSide } from '../../domain/desk/people.ts';
import { requireText } from '../../domain/tickets/text-rules.ts';
import type { Category, Ticket } from '../../domain/tickets/ticket.ts';
import type { DeskDeps } from '../desk-deps.ts';
import type { MessageRef } from '../messaging/channel.ts';
import { openTicket } from '../open-ticket.ts';
import { visibleTo } from '../ticket-queries.ts';
import { chatEventKey, type ChatUser } from './chat-user.ts';
import { identifyChatUser } from './identify-chat-user.ts';

export interface ChatOpen {
  /** The receiving channel's name ("slack", "teams", "web"). */
  channel: string;
  /** The platform's id of the event, the same on every redelivery. */
  eventId: string;
  from: ChatUser;
  category: Category;
  title: string;
  description: string;
  /** What the customer asks for; the desk decides unless the contract lets the customer set it. */
  priority?: string;
  /** The message the customer wrote it in: the desk answers in its thread (a customer channel). */
  origin?: MessageRef;
  /**
   * The organisation whose place the message was written in (a customer channel): only its own
   * contacts open tickets there, whoever asks for it (a 🎫 from the desk included).
   */
  placeOf?: string;
}

/**
 * A customer opens a ticket from chat, for their own organisation. The event's key is the open's
 * idempotency key, so a redelivered event (also one that came back after a crash, before it was
 * logged as handled) gives back the ticket it opened instead of opening another. `duplicate` says
 * the event was logged as handled before.
 */
export async function openFromChat(
  deps: DeskDeps,
  request: ChatOpen,
): Promise<{ ticket: Ticket; duplicate: boolean }> {
  // Checked before anything is claimed: a refusal later would leave a ticket number drawn for nothing.
  const title = requireText('title', request.title);
  const description = requireText('description', request.description);
  const duplicate = await deps.inbound.handled(request.channel, request.eventId);
  const requester = await identifyChatUser(deps, request.from);
  if (isDeskSide(requester) || !requester.organisationId) {
    throw new DomainError('customerOnly', { action: 'openFromChat' });
  }
  if (request.placeOf !== undefined && requester.organisationId !== request.placeOf) {
    throw new DomainError('notThisOrganisation');
  }
  const ticket = await openTicket(deps, requester.id, {
    organisationId: requester.organisationId,
    requesterId: requester.id,
    category: request.category,
    title,
    description,
    ...(request.priority === undefined ? {} : { priority: request.priority }),
    ...(request.origin
      ? { origin: { channel: request.channel, message: request.origin.id, thread: request.origin.thread } }
      : {}),
    idempotencyKey: chatEventKey(request.channel, request.eventId),
    source: request.channel,
  });
  if (!duplicate) await deps.inbound.record(request.channel, request.eventId, deps.clock.now());
  // A redelivery gets the ticket as it is now, which may carry the desk's internal notes.
  return { ticket: visibleTo(requester, ticket), duplicate };
}

/** A customer's message in a place mapped to their organisation (a customer channel). */
export interface ChannelMessage {
  channel: string;
  from: ChatUser;
  /** The message itself: the ticket's conversation is its thread. */
  message: MessageRef;
  /** What it says, as the customer wrote it. */
  text: string;
  /** Whose place it was written in. */
  organisationId: string;
  /** The ticket's title: the message's first line, as the channel shortens it. */
  title: string;
}

/**
 * The ticket a customer's message in their organisation's channel stands for: an incident,
 * answered in the message's thread, where only that organisation's contacts may open one. The
 * message is the event, so its redelivery (or a second look at it: a 🎫, "Create ticket") opens
 * the same ticket.
 */
export function openFromChannelMessage(deps: DeskDeps, message: ChannelMessage) {
  return openFromChat(deps, {
    channel: message.channel,
    eventId: `message:${message.message.id}`,
    from: message.from,
    category: 'incident',
    title: message.title,
    description: message.text,
    origin: message.message,
    placeOf: message.organisationId,
  });
}
