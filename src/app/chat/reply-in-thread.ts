import { isDeskSide, type Person } from '../../domain/desk/people.ts';
import { requireText } from '../../domain/tickets/text-rules.ts';
import type { Ticket, TicketComment } from '../../domain/tickets/ticket.ts';
import { commentIdFor } from '../comment-ids.ts';
import type { DeskDeps } from '../desk-deps.ts';
import { requireCanSee, requireDeskSide } from '../policy.ts';
import type { Conversation } from '../ports.ts';
import { performAction } from '../perform-action.ts';
import { visibleTo } from '../ticket-queries.ts';
import { chatEventKey, type ChatUser } from './chat-user.ts';
import { identifyChatUser } from './identify-chat-user.ts';

export interface ChatReply {
  /** The receiving channel's name ("slack", "teams", "web"). */
  channel: string;
  /** The platform's id of the event, the same on every redelivery. */
  eventId: string;
  from: ChatUser;
  /** The thread written in, in the channel's own encoding (as `MessageRef.thread`). */
  thread: string;
  text: string;
  /** In a desk-side thread: said to the customer too, instead of an internal note. */
  toCustomer?: boolean;
}

export type ReplyOutcome =
  /** Not a thread of a ticket: most chat messages are none of the desk's business. */
  | { kind: 'notATicketThread' }
  | { kind: 'commented'; ticket: Ticket; visibility: TicketComment['visibility']; duplicate: boolean };

/**
 * A message in a ticket's thread becomes a comment on that ticket. In the triage thread, and in a
 * desk person's own thread (reminders, escalations), it is an internal note unless `toCustomer`;
 * in the requester's thread, and from a customer anywhere, it is public, and a customer's reply
 * to a ticket waiting on them resumes it. The comment's id comes from the event, so a redelivery
 * writes nothing twice, also when it comes back after a crash, before it was logged as handled.
 */
export async function replyInThread(deps: DeskDeps, reply: ChatReply): Promise<ReplyOutcome> {
  const place = await deps.conversations.ticketOfThread(reply.channel, reply.thread);
  if (!place) return { kind: 'notATicketThread' };
  const body = requireText('comment', reply.text);
  const key = chatEventKey(reply.channel, reply.eventId);
  const duplicate = await deps.inbound.handled(reply.channel, reply.eventId);
  const author = await identifyChatUser(deps, reply.from);
  if (duplicate) {
    const handled = await handledBefore(deps, author, place.ticketId, commentIdFor(key));
    if (handled) return { kind: 'commented', ...handled, duplicate: true };
  }
  const visibility = visibilityIn(place.audience, author, reply.toCustomer === true);
  // The desk answering in the customer's own thread is a response, as starting work is (the
  // comment use case counts it only from the desk side).
  const countsAsResponse = place.audience === 'requester';
  const ticket = await performAction(deps, author.id, place.ticketId, {
    name: 'comment',
    body,
    visibility,
    idempotencyKey: key,
    ...(countsAsResponse ? { countsAsResponse } : {}),
  });
  if (!duplicate) await deps.inbound.record(reply.channel, reply.eventId, deps.clock.now());
  return { kind: 'commented', ticket, visibility, duplicate };
}

function visibilityIn(
  audience: Conversation['audience'],
  author: Person,
  toCustomer: boolean,
): TicketComment['visibility'] {
  if (audience === 'triage') requireDeskSide(author, 'internalComment');
  if (audience === 'requester' || !isDeskSide(author)) return 'public';
  return toCustomer ? 'public' : 'internal';
}

/** The comment a handled event wrote, without writing again; undefined when it is not there. */
async function handledBefore(
  deps: DeskDeps,
  author: Person,
  ticketId: string,
  commentId: string,
): Promise<{ ticket: Ticket; visibility: TicketComment['visibility'] } | undefined> {
  const ticket = await deps.tickets.get(ticketId);
  const written = ticket?.comments.find((entry) => entry.id === commentId);
  if (!ticket || written?.authorId !== author.id) return undefined;
  requireCanSee(author, ticket);
  return { ticket: visibleTo(author, ticket), visibility: written.visibility };
}
