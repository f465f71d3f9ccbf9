import type { Organisation } from '../domain/desk/organisation.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { Contract } from '../domain/sla/contract.ts';
import { slaStanding, stepName, type SlaStanding } from '../domain/tickets/sla-clock.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { stepFor, type ButtonActionName } from './action-steps.ts';
import { audienceOf, type MessageButton } from './messaging/message.ts';
import type { Notice, NoticeSubject, Recipient } from './notification.ts';
import type { DeskSettings } from './ports.ts';

interface Message {
  to: Recipient | undefined;
  key: string;
  actions?: ButtonActionName[];
  /** The first post of the triage card, which later changes update in place. */
  card?: boolean;
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
  standing: SlaStanding,
): Message[] {
  const requester = person(ticket.requesterId);
  const owner = person(ticket.assigneeId) ?? TRIAGE;
  switch (event.type) {
    case 'opened':
      return [
        { to: requester, key: standing.opensAt ? 'openedOutOfHours' : 'opened', evenToActor: true },
        { to: TRIAGE, key: ticket.requestedPriority ? 'triageNewRequested' : 'triageNew', card: true },
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
      return [{ to: requester, key: 'resolved', actions: ['accept', 'reopen'] }];
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
      return [{ to: requester, key: 'billableFlagged', actions: ['approveEstimate'] }];
    case 'billable_approved':
      return [{ to: owner, key: 'billableApproved' }];
    case 'reminder':
      return [{ to: owner, key: `reminder.${event.clock}` }];
    case 'escalated':
      return [
        {
          to: ladder(event.level, organisation, settings),
          key: `escalated.${event.clock}`,
          actions: ['acknowledge'],
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
 * What the triage card offers for the ticket as it now stands: a claimed ticket has no Claim
 * button, a closed one none at all. The server checks every press again.
 */
export function cardActions(ticket: Ticket): ButtonActionName[] {
  switch (ticket.status) {
    case 'new':
      return ['claim', 'assign', 'priority'];
    case 'claimed':
      return ['start', 'assign', 'priority', 'wait', 'resolve'];
    case 'in_progress':
      return ['assign', 'priority', 'wait', 'resolve'];
    case 'waiting_on_customer':
      return ['resume', 'assign', 'priority', 'resolve'];
    case 'resolved':
    case 'closed':
      // The customer's turn (accept or not), or nothing left to do.
      return [];
  }
}

/** Changes that show on the triage card: it is updated in place after any of them. */
const CARD_EVENTS: ReadonlySet<TicketEvent['type']> = new Set([
  'claimed',
  'assigned',
  'work_started',
  'waiting_on_customer',
  'resumed',
  'priority_changed',
  'resolved',
  'reopened',
  'accepted',
  'closed',
  'escalated',
  'escalation_acknowledged',
  'billable_flagged',
  'billable_approved',
]);

const buttonsFor = (ticket: Ticket, actions: readonly ButtonActionName[]): MessageButton[] =>
  actions.map((action) => {
    const madeFor = stepFor(ticket, action);
    return { action, ticketId: ticket.id, ...(madeFor ? { madeFor } : {}) };
  });

function subjectOf(ticket: Ticket, organisation: Organisation, standing: SlaStanding): NoticeSubject {
  return {
    ...standing,
    ...(ticket.sla.escalationLevel > 0
      ? { escalation: { level: ticket.sla.escalationLevel, acknowledged: ticket.sla.acknowledgedLevel } }
      : {}),
    title: ticket.title,
    priority: ticket.priority,
    status: ticket.status,
    category: ticket.category,
    version: ticket.version,
    ...(ticket.requestedPriority ? { requestedPriority: ticket.requestedPriority } : {}),
    ...(ticket.sla.responseDue ? { responseDue: ticket.sla.responseDue } : {}),
    ...(ticket.sla.resolutionDue ? { resolutionDue: ticket.sla.resolutionDue } : {}),
    ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
    ...(ticket.requesterId ? { requesterId: ticket.requesterId } : {}),
    organisation: {
      name: organisation.name,
      locale: organisation.locale,
      timeZone: organisation.timeZone,
    },
  };
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
  contract?: Contract,
): Notice[] {
  const notices: Notice[] = [];
  const at = events.at(-1)?.at ?? ticket.updatedAt;
  const subject = subjectOf(ticket, organisation, contract ? slaStanding(ticket, contract, at) : {});
  let cardPosted = false;
  for (const [index, event] of events.entries()) {
    for (const message of messagesFor(event, ticket, organisation, settings, subject)) {
      const to = message.to;
      // Nobody needs telling what they just did themselves.
      if (!to || (to.kind === 'person' && to.personId === event.actorId && !message.evenToActor)) continue;
      cardPosted ||= message.card === true;
      notices.push({
        id: notificationId(event, index, ticket, to),
        recipient: to,
        audience: audienceOf(to, ticket.requesterId),
        kind: message.card ? 'card' : 'post',
        ticketId: ticket.id,
        key: message.key,
        event,
        buttons: buttonsFor(ticket, message.card ? cardActions(ticket) : (message.actions ?? [])),
        subject,
      });
    }
  }
  // One update of the triage card per change, showing the ticket as the change left it.
  const shown = events.find((event) => CARD_EVENTS.has(event.type));
  if (shown && !cardPosted) {
    notices.push({
      id: `${ticket.id}:v${ticket.version}:card`,
      recipient: TRIAGE,
      audience: 'triage',
      kind: 'card',
      ticketId: ticket.id,
      key: 'triageCard',
      event: shown,
      buttons: buttonsFor(ticket, cardActions(ticket)),
      subject,
    });
  }
  return notices;
}
