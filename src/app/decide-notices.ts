import type { Organisation } from '../domain/desk/organisation.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import { stepName } from '../domain/tickets/sla-clock.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import type { Notice, NotificationAction, Recipient } from './notification.ts';
import type { DeskSettings } from './ports.ts';

interface Message {
  to: Recipient | undefined;
  key: string;
  actions?: NotificationAction[];
  /** Also when the recipient did it themselves: the requester always gets their ticket's id. */
  evenToActor?: boolean;
}

const person = (personId: string | undefined): Recipient | undefined =>
  personId ? { kind: 'person', personId } : undefined;
const TRIAGE: Recipient = { kind: 'triage' };

/** Escalation ladder (SPEC, 003): 1 Incident & Problem Manager, 2 account owner, 3 CEO. */
function ladder(level: number, organisation: Organisation, settings: DeskSettings): Recipient {
  const id = [organisation.incidentManagerId, organisation.accountOwnerId, settings.ceoId][level - 1];
  // Nobody named for the level: the triage channel hears it rather than nobody.
  return person(id) ?? TRIAGE;
}

/** Who is told what about one event: the "I" parties of the RASCI tables, in the desk's words. */
function messagesFor(
  event: TicketEvent,
  ticket: Ticket,
  organisation: Organisation,
  settings: DeskSettings,
): Message[] {
  const requester = person(ticket.requesterId);
  const owner = person(ticket.assigneeId) ?? TRIAGE;
  switch (event.type) {
    case 'opened':
      return [
        { to: requester, key: 'opened', evenToActor: true },
        {
          to: TRIAGE,
          key: ticket.requestedPriority ? 'triageNewRequested' : 'triageNew',
          actions: [{ kind: 'claim' }],
        },
      ];
    case 'claimed':
    case 'assigned':
      return [
        { to: requester, key: 'assigned' },
        ...(event.actorId !== event.assigneeId
          ? [{ to: person(event.assigneeId), key: 'assignedToYou' }]
          : []),
      ];
    case 'work_started':
      return [{ to: requester, key: 'workStarted' }];
    case 'waiting_on_customer':
      return [{ to: requester, key: 'waitingOnYou' }];
    case 'resumed':
      return [{ to: owner, key: 'resumed' }];
    case 'commented':
      if (event.visibility === 'internal') return [];
      return event.actorId === ticket.requesterId
        ? [{ to: owner, key: 'customerCommented' }]
        : [{ to: requester, key: 'deskCommented' }];
    case 'priority_changed':
      return [
        { to: requester, key: 'priorityChanged' },
        { to: owner, key: 'priorityChanged' },
      ];
    case 'resolved':
      return [{ to: requester, key: 'resolved', actions: [{ kind: 'accept' }, { kind: 'reopen' }] }];
    case 'reopened':
      return [{ to: owner, key: 'reopened' }];
    case 'closed':
      return [{ to: requester, key: event.automatically ? 'autoClosed' : 'closed' }];
    case 'effort_threshold_passed':
      return [
        { to: requester, key: 'effortThreshold' },
        { to: person(organisation.accountOwnerId) ?? TRIAGE, key: 'effortThreshold' },
      ];
    case 'billable_flagged':
      return [{ to: requester, key: 'billableFlagged', actions: [{ kind: 'approveEstimate' }] }];
    case 'billable_approved':
      return [{ to: owner, key: 'billableApproved' }];
    case 'reminder':
      return [{ to: owner, key: `reminder.${event.clock}` }];
    case 'escalated':
      return [
        {
          to: ladder(event.level, organisation, settings),
          key: `escalated.${event.clock}`,
          actions: [{ kind: 'acknowledge', level: event.level }],
        },
      ];
    case 'escalation_acknowledged':
      return [{ to: TRIAGE, key: 'acknowledged' }];
    case 'alert_repeated':
      return [{ to: owner, key: 'alertRepeated' }];
    case 'accepted':
    case 'effort_logged':
    case 'linked_to_problem':
    case 'incident_linked':
      return [];
  }
}

/**
 * A notification's id stays the same however often the same change is told: an SLA step by its
 * step (it happens once per ticket), anything else by the ticket version the change produced.
 */
function notificationId(event: TicketEvent, index: number, ticket: Ticket, to: Recipient): string {
  const who = to.kind === 'person' ? to.personId : 'triage';
  const what =
    event.type === 'reminder' || event.type === 'escalated'
      ? stepName(event.clock, event.type === 'reminder' ? 0 : event.level)
      : `v${ticket.version}#${index}`;
  return `${ticket.id}:${what}:${who}`;
}

/**
 * Who is told what about a change: one notice per recipient and event, decided with the change
 * (the ticket as it will be saved, at its new version) and committed with it.
 */
export function decideNotices(
  events: readonly TicketEvent[],
  ticket: Ticket,
  organisation: Organisation,
  settings: DeskSettings,
): Notice[] {
  const notices: Notice[] = [];
  for (const [index, event] of events.entries()) {
    for (const message of messagesFor(event, ticket, organisation, settings)) {
      const to = message.to;
      // Nobody needs telling what they just did themselves.
      if (!to || (to.kind === 'person' && to.personId === event.actorId && !message.evenToActor)) continue;
      notices.push({
        id: notificationId(event, index, ticket, to),
        recipient: to,
        ticketId: ticket.id,
        key: message.key,
        event,
        actions: message.actions ?? [],
        subject: {
          title: ticket.title,
          priority: ticket.priority,
          ...(ticket.requestedPriority ? { requestedPriority: ticket.requestedPriority } : {}),
          ...(ticket.sla.responseDue ? { responseDue: ticket.sla.responseDue } : {}),
          ...(ticket.sla.resolutionDue ? { resolutionDue: ticket.sla.resolutionDue } : {}),
          ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
          organisation: {
            name: organisation.name,
            locale: organisation.locale,
            timeZone: organisation.timeZone,
          },
        },
      });
    }
  }
  return notices;
}
