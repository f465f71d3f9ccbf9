import type { Person } from '../../domain/desk/people.ts';
import type { Locale } from '../../domain/locale.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { Notice } from '../notification.ts';
import { audienceOf, type MessageParams, type OutgoingMessage } from './message.ts';

/** Finds people by id, each at most once per pass. */
export type PersonLookup = (id: string | undefined) => Promise<Person | undefined>;

export function personLookup(get: (id: string) => Promise<Person | undefined>): PersonLookup {
  const found = new Map<string, Promise<Person | undefined>>();
  return (id) => {
    if (!id) return Promise.resolve(undefined);
    if (!found.has(id)) found.set(id, get(id));
    return found.get(id)!;
  };
}

/**
 * A notice made ready to send: who acted and who owns the ticket by name, a comment's words, the
 * reader's language. Done when the change is carried out, once per notice whatever the channels;
 * how it looks is left to each channel.
 */
export async function composeMessage(
  notice: Notice,
  ticket: Ticket,
  people: PersonLookup,
  triageLocale: Locale,
): Promise<OutgoingMessage> {
  const { event, subject } = notice;
  const to = notice.recipient;
  const reader = to.kind === 'person' ? await people(to.personId) : undefined;
  const locale: Locale =
    reader?.locale ?? (to.kind === 'triage' ? triageLocale : subject.organisation.locale);
  const assignee = (await people(subject.assigneeId))?.name;
  const actor = (await people(event.actorId))?.name;
  const requester = (await people(subject.requesterId ?? ticket.requesterId))?.name;
  const comment =
    event.type === 'commented' ? ticket.comments.find((c) => c.id === event.commentId)?.body : undefined;
  // Notices committed before conversations existed carry no audience: worked out the same way.
  const audience = notice.audience ?? audienceOf(to, subject.requesterId ?? ticket.requesterId);
  const params: MessageParams = {
    ticketId: notice.ticketId,
    title: subject.title,
    organisation: subject.organisation.name,
    priority: subject.priority,
    status: subject.status ?? ticket.status,
    category: subject.category ?? ticket.category,
    ...(subject.requestedPriority ? { requestedPriority: subject.requestedPriority } : {}),
    ...(event.type === 'priority_changed' ? { previousPriority: event.from } : {}),
    ...(subject.responseDue ? { responseDue: subject.responseDue } : {}),
    ...(subject.resolutionDue ? { resolutionDue: subject.resolutionDue } : {}),
    ...(subject.responseLeftMs === undefined ? {} : { responseLeftMs: subject.responseLeftMs }),
    ...(subject.resolutionLeftMs === undefined ? {} : { resolutionLeftMs: subject.resolutionLeftMs }),
    ...(subject.opensAt ? { opensAt: subject.opensAt } : {}),
    ...(subject.escalation ? { escalation: subject.escalation } : {}),
    ...(assignee ? { assignee } : {}),
    ...(actor ? { actor } : {}),
    ...(requester ? { requester } : {}),
    ...('dueAt' in event ? { dueAt: event.dueAt } : {}),
    ...('lateByMs' in event ? { lateByMs: event.lateByMs } : {}),
    ...('level' in event ? { level: event.level } : {}),
    ...('totalMinutes' in event ? { totalEffortMs: event.totalMinutes * 60_000 } : {}),
    ...('estimateMinutes' in event ? { estimateMs: event.estimateMinutes * 60_000 } : {}),
    ...(event.type === 'alert_repeated' ? { count: event.count } : {}),
    ...(comment !== undefined ? { comment } : {}),
    ...(event.type === 'reopened' && event.reason ? { reason: event.reason } : {}),
  };
  return {
    id: notice.id,
    ticketId: notice.ticketId,
    recipient: to,
    audience,
    kind: notice.kind ?? 'post',
    ticketVersion: subject.version ?? ticket.version,
    key: notice.key,
    locale,
    timeZone: subject.organisation.timeZone,
    params,
    buttons: notice.buttons ?? [],
    ...(ticket.origin && audience === 'requester'
      ? {
          origin: {
            channel: ticket.origin.channel,
            root: { id: ticket.origin.message, thread: ticket.origin.thread },
          },
        }
      : {}),
    event,
  };
}
