import { formatInTimeZone } from 'date-fns-tz';
import type { Person } from '../domain/desk/people.ts';
import type { Locale } from '../domain/locale.ts';
import { translate, type Params } from '../i18n/translate.ts';
import type { Notice, Notification } from './notification.ts';
import type { Clock, DeliveryLog, Notifier, Outbox, PersonRepository } from './ports.ts';

export interface Logger {
  warn(details: object, message: string): void;
}

/** Tries per notice before it is given up on and counted as failed. */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** The wait before try n + 1: 30 s, 1 min, 2 min, … at most an hour. */
/**
 * A sender that claimed a notice and has not confirmed it this long after is taken to be dead, and
 * the notice is sent again: longer than any channel may take to answer (the web-hook gives up after
 * 5 s).
 */
export const DELIVERY_LEASE_MS = 120_000;
export const retryDelayMs = (attempts: number): number => Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);

export function formatDuration(ms: number, locale: Locale): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return translate(locale, 'notify.duration.minutes', { minutes: rest });
  if (rest === 0) return translate(locale, 'notify.duration.hours', { hours });
  return translate(locale, 'notify.duration.hoursMinutes', { hours, minutes: rest });
}

/**
 * Hands notices on to the channels, each once: the delivery log lets exactly one sender have each
 * notice, the outbox keeps what did not get through and is tried again with back-off. Messages are
 * said here, in each reader's language, from the facts the notice carries.
 */
export class NoticeDelivery {
  constructor(
    private readonly deps: {
      people: PersonRepository;
      notifier: Notifier;
      deliveries: DeliveryLog;
      outbox: Outbox;
      clock: Clock;
      /** The language of the triage channel, where agents of any customer meet. */
      triageLocale: Locale;
      logger: Logger;
    },
  ) {}

  /** Right after a change was carried out: its notices, first try. */
  async deliver(notices: readonly Notice[]): Promise<void> {
    const lookup = this.lookup();
    const done: string[] = [];
    for (const notice of notices) if (await this.attempt(notice, 0, lookup)) done.push(notice.id);
    await this.deps.outbox.delivered(done);
  }

  /** What the outbox holds that is due: the periodic pass. Returns how many were handled. */
  async deliverDue(limit = 100): Promise<number> {
    const due = await this.deps.outbox.due(this.deps.clock.now(), limit);
    const lookup = this.lookup();
    const done: string[] = [];
    for (const entry of due)
      if (await this.attempt(entry.notice, entry.attempts, lookup)) done.push(entry.notice.id);
    await this.deps.outbox.delivered(done);
    return due.length;
  }

  /** One try at a notice; true when it is done with (sent now or before), so it may leave the outbox. */
  private async attempt(
    notice: Notice,
    attempts: number,
    lookup: (id: string | undefined) => Promise<Person | undefined>,
  ): Promise<boolean> {
    const { deliveries, outbox, notifier, clock } = this.deps;
    // Attempt numbers go on from the outbox's count. A claim that succeeds at once means nobody
    // tried this attempt before; one that is taken may be a notice sent already, or a sender that
    // went quiet for longer than the lease, whose attempt the next number takes over.
    let attempt = attempts;
    for (;;) {
      const claim = await deliveries.claim(notice.id, attempt, clock.now());
      if (claim.ok) break;
      if (await deliveries.sent(notice.id)) return true;
      if (clock.now().getTime() - claim.since.getTime() < DELIVERY_LEASE_MS) return false;
      attempt++;
    }
    try {
      await notifier.notify(await this.render(notice, lookup));
    } catch (error) {
      const tried = attempt + 1;
      const retryAt =
        tried < MAX_DELIVERY_ATTEMPTS ? new Date(clock.now().getTime() + retryDelayMs(tried)) : undefined;
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn(
        { err: error, ticketId: notice.ticketId, key: notice.key, attempts: tried },
        retryAt ? 'notification failed; will try again' : 'notification failed; giving up',
      );
      await outbox.failed(notice, tried, clock.now(), retryAt, reason);
      return false;
    }
    await deliveries.confirm(notice.id, clock.now());
    return true;
  }

  private lookup(): (id: string | undefined) => Promise<Person | undefined> {
    const names = new Map<string, Promise<Person | undefined>>();
    return (id) => {
      if (!id) return Promise.resolve(undefined);
      if (!names.has(id)) names.set(id, this.deps.people.get(id));
      return names.get(id)!;
    };
  }

  private async render(
    notice: Notice,
    lookup: (id: string | undefined) => Promise<Person | undefined>,
  ): Promise<Notification> {
    const to = notice.recipient;
    const reader = to.kind === 'person' ? await lookup(to.personId) : undefined;
    const locale =
      reader?.locale ?? (to.kind === 'triage' ? this.deps.triageLocale : notice.subject.organisation.locale);
    const params = await this.params(notice, locale, lookup);
    return {
      id: notice.id,
      recipient: to,
      ticketId: notice.ticketId,
      event: notice.event,
      key: notice.key,
      text: translate(locale, `notify.${notice.key}`, params),
      actions: notice.actions,
    };
  }

  private async params(
    { event, subject, ticketId }: Notice,
    locale: Locale,
    lookup: (id: string | undefined) => Promise<Person | undefined>,
  ): Promise<Params> {
    const when = (date: Date | undefined) =>
      date ? formatInTimeZone(date, subject.organisation.timeZone, 'yyyy-MM-dd HH:mm') : '-';
    const nobody = translate(locale, 'notify.nobody');
    return {
      id: ticketId,
      title: subject.title,
      organisation: subject.organisation.name,
      priority: subject.priority,
      requestedPriority: subject.requestedPriority ?? '-',
      responseDue: when(subject.responseDue),
      resolutionDue: when(subject.resolutionDue),
      assignee: (await lookup(subject.assigneeId))?.name ?? nobody,
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
