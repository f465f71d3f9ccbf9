import { formatInTimeZone } from 'date-fns-tz';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Person } from '../domain/desk/people.ts';
import type { Locale } from '../domain/locale.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { translate, type Params } from '../i18n/translate.ts';
import type { Notification, NotificationAction, Recipient } from './notification.ts';
import { stepName } from '../domain/tickets/sla-clock.ts';
import type {
  DeliveryLog,
  DeskSettings,
  DeskSettingsRepository,
  Notifier,
  PersonRepository,
} from './ports.ts';

export interface Logger {
  warn(details: object, message: string): void;
}

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
        { to: TRIAGE, key: 'triageNew', actions: [{ kind: 'claim' }] },
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

export function formatDuration(ms: number, locale: Locale): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return translate(locale, 'notify.duration.minutes', { minutes: rest });
  if (rest === 0) return translate(locale, 'notify.duration.hours', { hours });
  return translate(locale, 'notify.duration.hoursMinutes', { hours, minutes: rest });
}

/** Some messages could not be handed on; they were released, so telling again retries exactly them. */
export class DeliveryError extends AggregateError {
  override name = 'DeliveryError';
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
 * Turns a change's events into messages, each in its recipient's language, and hands each one on
 * exactly once: the delivery log lets a re-run skip what was sent and retry what was not.
 */
export class PeopleNotifier {
  constructor(
    private readonly deps: {
      people: PersonRepository;
      notifier: Notifier;
      deliveries: DeliveryLog;
      settings: DeskSettingsRepository;
      /** The language of the triage channel, where agents of any customer meet. */
      triageLocale: Locale;
      logger: Logger;
    },
  ) {}

  /** Tells everyone concerned; throws a DeliveryError after trying all when some could not be told. */
  async tell(events: readonly TicketEvent[], ticket: Ticket, organisation: Organisation): Promise<void> {
    const settings = await this.deps.settings.get();
    const names = new Map<string, Person | undefined>();
    const lookup = async (id: string | undefined) => {
      if (!id) return undefined;
      if (!names.has(id)) names.set(id, await this.deps.people.get(id));
      return names.get(id);
    };
    const failures: unknown[] = [];
    for (const [index, event] of events.entries()) {
      for (const message of messagesFor(event, ticket, organisation, settings)) {
        const to = message.to;
        // Nobody needs telling what they just did themselves.
        if (!to || (to.kind === 'person' && to.personId === event.actorId && !message.evenToActor)) continue;
        const reader = to.kind === 'person' ? await lookup(to.personId) : undefined;
        const locale =
          reader?.locale ?? (to.kind === 'triage' ? this.deps.triageLocale : organisation.locale);
        const params = await this.params(event, ticket, organisation, locale, lookup);
        const notification: Notification = {
          id: notificationId(event, index, ticket, to),
          recipient: to,
          ticketId: ticket.id,
          event,
          key: message.key,
          text: translate(locale, `notify.${message.key}`, params),
          actions: message.actions ?? [],
        };
        if (!(await this.deps.deliveries.claim(notification.id))) continue;
        try {
          await this.deps.notifier.notify(notification);
        } catch (error) {
          await this.deps.deliveries.release(notification.id);
          this.deps.logger.warn({ err: error, ticketId: ticket.id, key: message.key }, 'notification failed');
          failures.push(error);
        }
      }
    }
    if (failures.length > 0) throw new DeliveryError(failures, `${failures.length} notification(s) failed`);
  }

  private async params(
    event: TicketEvent,
    ticket: Ticket,
    organisation: Organisation,
    locale: Locale,
    lookup: (id: string | undefined) => Promise<Person | undefined>,
  ): Promise<Params> {
    const when = (date: Date | undefined) =>
      date ? formatInTimeZone(date, organisation.timeZone, 'yyyy-MM-dd HH:mm') : '-';
    const nobody = translate(locale, 'notify.nobody');
    return {
      id: ticket.id,
      title: ticket.title,
      organisation: organisation.name,
      priority: ticket.priority,
      responseDue: when(ticket.sla.responseDue),
      resolutionDue: when(ticket.sla.resolutionDue),
      assignee: (await lookup(ticket.assigneeId))?.name ?? nobody,
      actor: (await lookup(event.actorId))?.name ?? nobody,
      dueAt: 'dueAt' in event ? when(event.dueAt) : '-',
      lateBy: 'lateByMs' in event ? formatDuration(event.lateByMs, locale) : '-',
      level: 'level' in event ? event.level : 0,
      totalEffort: 'totalMinutes' in event ? formatDuration(event.totalMinutes * 60_000, locale) : '-',
      estimate: 'estimateMinutes' in event ? formatDuration(event.estimateMinutes * 60_000, locale) : '-',
      previousPriority: event.type === 'priority_changed' ? event.from : '-',
      count: event.type === 'alert_repeated' ? event.count : 0,
    };
  }
}
