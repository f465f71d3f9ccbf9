import type { Channel, Person } from '../domain/desk/people.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Contract } from '../domain/sla/contract.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { TicketTimer } from '../domain/tickets/timers.ts';
import type { Category, Ticket, TicketStatus } from '../domain/tickets/ticket.ts';
import type { Notification } from './notification.ts';

/** The application's only source of "now"; tests pass a clock they move by hand. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** The next human ticket id ("SD-1042"): atomic, never reused. */
  nextTicketId(): Promise<string>;
  /** An opaque unique id for comments, effort entries, people, organisations. */
  newId(): string;
}

/** How many tickets one list returns when the caller does not say, and at most. */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 200;

export interface TicketFilter {
  organisationId?: string;
  assigneeId?: string;
  requesterId?: string;
  statuses?: readonly TicketStatus[];
  category?: Category;
  priority?: string;
  /** Only tickets whose response is due before this instant. */
  responseDueBefore?: Date;
  /** Only tickets created strictly before this instant. */
  createdBefore?: Date;
  limit?: number;
  /** Paging: where the previous page stopped (its `next`), as the store gave it. */
  cursor?: string;
}

/**
 * One page of a list, newest first. `next` is there when more may follow; a page can hold fewer
 * tickets than asked for and still have a `next` (the store looks at a bounded number of tickets
 * per page, so a rare filter never makes one call read the whole history).
 */
export interface TicketPage {
  tickets: Ticket[];
  next?: string;
}

/** Raised by `save` when someone else saved the ticket first. */
export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} was changed by someone else`);
  }
}

export interface TicketRepository {
  insert(ticket: Ticket): Promise<Ticket>;
  get(id: string): Promise<Ticket | undefined>;
  /** Saves the ticket if the stored version is still `ticket.version`; returns it at version + 1. */
  save(ticket: Ticket): Promise<Ticket>;
  /** Throws `DomainError('badCursor')` for a cursor this filter's list did not give out. */
  list(filter: TicketFilter): Promise<TicketPage>;
}

export interface OrganisationRepository {
  insert(organisation: Organisation): Promise<void>;
  get(id: string): Promise<Organisation | undefined>;
  save(organisation: Organisation): Promise<void>;
  list(): Promise<Organisation[]>;
}

export interface PersonRepository {
  insert(person: Person): Promise<void>;
  get(id: string): Promise<Person | undefined>;
  save(person: Person): Promise<void>;
  findByIdentity(channel: Channel, externalId: string): Promise<Person | undefined>;
  list(filter: { role?: Person['role']; organisationId?: string }): Promise<Person[]>;
}

/** Append-only record of every change: who, what, when (SPEC 000 "logg", 004 §3 "Loggning"). */
export interface AuditLog {
  /**
   * Records the events of the change that saved the ticket at `version`. Once per version: a
   * repeated call for the same version (a retry, a repair) writes nothing.
   */
  append(ticketId: string, version: number, events: readonly TicketEvent[]): Promise<void>;
  /** The ticket's events up to its `version`, in time order (within an instant, as appended). */
  forTicket(ticket: { id: string; version: number }): Promise<TicketEvent[]>;
}

/** Tells people what happened; each chat channel implements it. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/**
 * One open incident per monitoring alert: an alert key is held by the ticket that answers it, so
 * that two firings at the same moment cannot both open one.
 */
export interface AlertRegister {
  /** Makes `ticketId` hold the key from `at` if nobody does; returns whichever ticket holds it, and since when. */
  hold(
    organisationId: string,
    alertKey: string,
    ticketId: string,
    at: Date,
  ): Promise<{ ticketId: string; since: Date }>;
  /** Whichever ticket holds the key now, and since when; undefined when none does. */
  holder(organisationId: string, alertKey: string): Promise<{ ticketId: string; since: Date } | undefined>;
  /** Lets go of the key, if `ticketId` still holds it (its incident is no longer open). */
  release(organisationId: string, alertKey: string, ticketId: string): Promise<void>;
}

/**
 * Remembers which notifications went out, by their stable ids, so that a job that runs again (a
 * retry, a second worker, a restart) re-sends only what did not reach anyone.
 */
export interface DeliveryLog {
  /** True when the caller may send `id` now; false when it was sent (or is being sent) already. */
  claim(id: string): Promise<boolean>;
  /** The send failed: `id` may be claimed again. */
  release(id: string): Promise<void>;
}

/** Keeps each ticket's timers (SLA steps, auto-close) as scheduled jobs at exact instants. */
export interface SlaTimerScheduler {
  /**
   * Makes `timers` the ticket's timers: reschedules, adds and cancels in one go. Only the earliest
   * need have a job: whoever handles a firing calls `replace` again with the ticket's timers.
   */
  replace(ticketId: string, timers: readonly TicketTimer[]): Promise<void>;
}

export interface ContractCatalogue {
  contract(contractId: string): Contract;
}

/** Desk-wide settings kept in the database: who is CEO (escalation level 3). */
export interface DeskSettings {
  ceoId?: string;
}

export interface DeskSettingsRepository {
  get(): Promise<DeskSettings>;
  save(settings: DeskSettings): Promise<void>;
}

/**
 * What the HTTP edge needs from API-key storage. A key works for one customer organisation or for
 * the desk's admins; only its hash is kept, so the plaintext is seen once, when it is created.
 */
export type ApiKeyScope = { kind: 'admin' } | { kind: 'organisation'; organisationId: string };

export interface ApiKey {
  /** Non-secret id, also the start of the key itself: safe to show, log and look up by. */
  id: string;
  scope: ApiKeyScope;
  label?: string;
  createdAt: Date;
  revokedAt?: Date;
}

export interface ApiKeyRepository {
  /** Makes a new key; `key` is the plaintext, returned here and never again. */
  create(scope: ApiKeyScope, label?: string): Promise<{ key: string; apiKey: ApiKey }>;
  /** The live key `presented` stands for, or undefined when it is unknown, wrong or revoked. */
  verify(presented: string): Promise<ApiKey | undefined>;
  /** True when a live key was revoked now; false when there was none to revoke. */
  revoke(id: string): Promise<boolean>;
  list(filter?: { organisationId?: string }): Promise<ApiKey[]>;
}
