import type { Channel, Person } from '../domain/desk/people.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Contract } from '../domain/sla/contract.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { SlaTimer } from '../domain/tickets/sla-clock.ts';
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
  limit?: number;
  /** Paging: tickets created strictly before this one (by creation, newest first). */
  createdBefore?: Date;
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
  list(filter: TicketFilter): Promise<Ticket[]>;
  findOpenByAlertKey(organisationId: string, alertKey: string): Promise<Ticket | undefined>;
  /** Resolved tickets whose silence period has run out. */
  dueForAutoClose(now: Date, limit: number): Promise<Ticket[]>;
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
  append(events: readonly TicketEvent[]): Promise<void>;
  forTicket(ticketId: string): Promise<TicketEvent[]>;
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

/** Keeps each ticket's SLA timers as scheduled jobs at exact instants. */
export interface SlaTimerScheduler {
  /** Makes `timers` the ticket's only timers: reschedules, adds and cancels in one go. */
  replace(ticketId: string, timers: readonly SlaTimer[]): Promise<void>;
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
