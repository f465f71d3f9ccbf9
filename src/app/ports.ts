import type { Channel, Person } from '../domain/desk/people.ts';
import type { Organisation } from '../domain/desk/organisation.ts';
import type { Contract } from '../domain/sla/contract.ts';
import type { TicketEvent } from '../domain/tickets/events.ts';
import type { TicketTimer } from '../domain/tickets/timers.ts';
import type { Notice } from './notification.ts';
import type { Category, Ticket, TicketStatus } from '../domain/tickets/ticket.ts';
import type { Address, MessageRef } from './messaging/channel.ts';
import type { Audience, OutgoingMessage } from './messaging/message.ts';

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

/**
 * What one change of a ticket must cause, committed in the same single-document write as the
 * ticket itself (see ticket-changes.ts): its audit events and the notices it decided. The timers
 * follow from the ticket alone and are planned again by whoever carries the change out.
 */
export interface ChangeEffects {
  events: TicketEvent[];
  notices: Notice[];
}

export interface TicketRepository {
  /** Commits a new ticket (version 0) with its effects; `AlreadyExistsError` for a used id. */
  insert(ticket: Ticket, effects: ChangeEffects): Promise<Ticket>;
  get(id: string): Promise<Ticket | undefined>;
  /**
   * Commits the ticket at version + 1 with its effects, if the stored version is still
   * `ticket.version`; `ConcurrentChangeError` otherwise. Returns it as saved.
   */
  save(ticket: Ticket, effects: ChangeEffects): Promise<Ticket>;
  /**
   * Finishes what a writer that died after committing left: the stored ticket is brought up to its
   * newest committed version. The ticket as stored afterwards; undefined when none was committed.
   */
  settle(id: string): Promise<Ticket | undefined>;
  /** The effects committed with `version` of the ticket; undefined when that version was never committed. */
  committed(id: string, version: number): Promise<ChangeEffects | undefined>;
  /** Throws `DomainError('badCursor')` for a cursor this filter's list did not give out. */
  list(filter: TicketFilter): Promise<TicketPage>;
}

/** A committed change whose effects may not all have been carried out yet. */
export interface PendingChange {
  ticketId: string;
  version: number;
  since: Date;
}

/**
 * The relay's to-do list: one entry per change, written just before the change is committed and
 * removed once its effects are carried out, so it only ever holds unfinished work (a crash leaves
 * the entry; a change that never committed leaves one the relay drops).
 */
export interface PendingChanges {
  /** The oldest entries, oldest first. */
  oldest(limit: number): Promise<PendingChange[]>;
  done(ticketId: string, version: number): Promise<void>;
  backlog(): Promise<{ count: number; oldest?: Date }>;
}

/**
 * Messages waiting to be delivered, one entry per message and channel: added once by id when their
 * change is carried out, removed once delivered, kept with their attempts while the channel fails,
 * and kept as failed, for an operator to see, once given up on.
 */
export interface Outbox {
  add(entries: readonly NewOutboxEntry[], at: Date): Promise<void>;
  /** Entries due for a (first or next) attempt at `now`, oldest first. */
  due(now: Date, limit: number): Promise<OutboxEntry[]>;
  /** These were delivered (or found sent already): they leave the outbox. */
  delivered(ids: readonly string[]): Promise<void>;
  /** A failed attempt: tried again from `retryAt`, or given up on (`retryAt` undefined). */
  failed(
    entry: OutboxEntry,
    attempts: number,
    at: Date,
    retryAt: Date | undefined,
    reason: string,
  ): Promise<void>;
  backlog(): Promise<{ pending: number; failed: number; oldest?: Date }>;
  /** The entries given up on, most recent first. */
  failures(limit: number): Promise<FailedDelivery[]>;
  /**
   * Notices an older version put in the outbox whole, before deliveries were kept per channel: the
   * relay turns them into entries (`add`) and then lets them go (`dropNotices`).
   */
  undividedNotices(limit: number): Promise<Notice[]>;
  dropNotices(ids: readonly string[]): Promise<void>;
}

export interface NewOutboxEntry {
  /** `<message id>><channel>`: one delivery per message and channel. */
  id: string;
  channel: string;
  address: Address;
  message: OutgoingMessage;
}

export interface OutboxEntry extends NewOutboxEntry {
  attempts: number;
  addedAt: Date;
}

export interface FailedDelivery extends OutboxEntry {
  failedAt: Date;
  lastError: string;
}

/** Raised by an organisation's `save` when someone else saved it first. */
export class ConcurrentOrganisationChangeError extends Error {
  override name = 'ConcurrentOrganisationChangeError';
  constructor(readonly organisationId: string) {
    super(`organisation ${organisationId} was changed by someone else`);
  }
}

export interface OrganisationRepository {
  insert(organisation: Organisation): Promise<Organisation>;
  get(id: string): Promise<Organisation | undefined>;
  /**
   * Saves the organisation at version + 1 if the stored version is still `organisation.version`;
   * `ConcurrentOrganisationChangeError` otherwise.
   */
  save(organisation: Organisation): Promise<Organisation>;
  list(): Promise<Organisation[]>;
}

/** Raised by a person's `save` when someone else saved them first. */
export class ConcurrentPersonChangeError extends Error {
  override name = 'ConcurrentPersonChangeError';
  constructor(readonly personId: string) {
    super(`person ${personId} was changed by someone else`);
  }
}

export interface PersonRepository {
  /** Stores a new person, at version 0; returns them as stored. */
  insert(person: Person): Promise<Person>;
  get(id: string): Promise<Person | undefined>;
  /** Saves the person at version + 1 if still at `person.version`; `ConcurrentPersonChangeError` otherwise. */
  save(person: Person): Promise<Person>;
  findByIdentity(channel: Channel, externalId: string): Promise<Person | undefined>;
  /** Everyone whose e-mail address is `email`, compared case-insensitively (addresses are not unique). */
  findByEmail(email: string): Promise<Person[]>;
  list(filter: { role?: Person['role']; organisationId?: string }): Promise<Person[]>;
}

/**
 * Every change of a ticket: who, what, when (SPEC 000 "logg", 004 §3 "Loggning"). Written with the
 * change itself (its events are part of the commit), so there is nothing to append afterwards.
 */
export interface AuditLog {
  /** The ticket's events up to its `version`, in time order (within an instant, as committed). */
  forTicket(ticket: { id: string; version: number }): Promise<TicketEvent[]>;
}

/**
 * Claims on the opening of a ticket, by a key the caller chooses: one open incident per monitoring
 * alert (`alert:<organisation>:<alert key>`), one ticket per idempotency key
 * (`request:<actor>:<key>`). A key's claims come in generations 0, 1, 2 …, each a unique insert,
 * so of two openers at the same moment one holds it; the holder then binds the ticket it opens, so
 * a ticket number is drawn only by the one that really opens a ticket. When the ticket of the
 * latest generation no longer answers for the key (an incident that was resolved, a holder that
 * died before drawing its number), the next opener claims the next generation.
 */
export interface OpenClaims {
  /** The key's latest claim; undefined when it was never claimed. */
  latest(key: string): Promise<OpenClaim | undefined>;
  /** Claims `generation` of `key` with `token` if nobody has; returns that generation's claim as it stands. */
  claim(key: string, generation: number, token: string, at: Date, fingerprint?: string): Promise<OpenClaim>;
  /** The holder of `token` names the ticket it opens. */
  bind(key: string, generation: number, token: string, ticketId: string): Promise<void>;
  /**
   * Names the ticket `key` opens, once: the first named stands and every caller gets it back. Two
   * holders of one key (a slow one, and one that took its claim over as abandoned) each drew a
   * number; only the one named first is opened.
   */
  settle(key: string, ticketId: string): Promise<string>;
}

export interface OpenClaim {
  generation: number;
  token: string;
  /** The ticket opened under the claim, once its holder drew its number. */
  ticketId?: string;
  since: Date;
  /** What the claim was made for (a digest of the request), to refuse a key reused for something else. */
  fingerprint?: string;
}

/**
 * Remembers which notifications went out and who is sending which, by their stable ids, so that a
 * pass that runs again (a retry, a second worker, a restart) sends only what reached no one. Each
 * attempt is claimed once; a claim not confirmed within its lease is taken over by the next attempt,
 * so a sender that died after claiming does not lose the notification.
 */
export interface DeliveryLog {
  /** True once the notification was confirmed sent. */
  sent(id: string): Promise<boolean>;
  /** Claims attempt `attempt` of sending `id`; when someone has it, since when. */
  claim(id: string, attempt: number, at: Date): Promise<DeliveryClaim>;
  /** The notification went out. */
  confirm(id: string, at: Date): Promise<void>;
}

export type DeliveryClaim = { ok: true } | { ok: false; since: Date };

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

/** Desk-wide settings kept in the database. */
export interface DeskSettings {
  /** Who is CEO (escalation level 3). */
  ceoId?: string;
  /** Where each channel's triage place is (a Slack channel id, a Teams channel…), by channel name. */
  triage?: Record<string, string>;
}

/**
 * Each setting is written alone (one field of the one document), so two admins changing different
 * settings at once (the CEO, two channels' triage places) never undo each other.
 */
export interface DeskSettingsRepository {
  get(): Promise<DeskSettings>;
  setCeo(personId: string): Promise<void>;
  setTriagePlace(channel: string, target: string): Promise<void>;
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

/** A change that causes nothing beyond itself: for stores filled by hand (tests, benchmarks). */
export const NO_EFFECTS: ChangeEffects = { events: [], notices: [] };

/**
 * Waiting, as a port: the application never sleeps on the real clock itself, so a test clock moved
 * by hand also moves what the application waits for.
 */
export interface Waiter {
  wait(ms: number): Promise<void>;
}

/** A ticket's conversation on one channel for one audience: where its messages thread. */
export interface Conversation {
  ticketId: string;
  channel: string;
  audience: Audience;
  /** The first message posted there: replies thread under it, a triage card is updated in place. */
  root: MessageRef;
  /** For a triage card: the newest ticket version a sender has put on it. */
  shownVersion?: number;
  /** For a triage card: the message of that version, so whoever updates last can show the newest. */
  card?: OutgoingMessage;
}

/**
 * Where each ticket's conversations live on the platforms, kept apart from the ticket (writing a
 * reference never bumps the ticket's version), and the way back from a platform thread to its
 * ticket, so that a reply lands on the right ticket.
 */
export interface ConversationStore {
  get(
    ticketId: string,
    channel: string,
    audience: Conversation['audience'],
  ): Promise<Conversation | undefined>;
  /**
   * Records a conversation's first message; of two senders starting one at once, the first stays.
   * Every started root's thread is findable (`ticketOfThread`), also the second's, so a reply under
   * either lands on the ticket. Returns the conversation as it stands.
   */
  start(conversation: Conversation): Promise<Conversation>;
  /**
   * The card is to show `card` (its `ticketVersion`): recorded when that is newer than what it was
   * to show, so the conversation always holds the newest card message. Returns the conversation as
   * it stands afterwards.
   */
  show(
    ticketId: string,
    channel: string,
    audience: Conversation['audience'],
    card: OutgoingMessage,
  ): Promise<Conversation | undefined>;
  /** The ticket and audience a platform thread belongs to. */
  ticketOfThread(
    channel: string,
    thread: string,
  ): Promise<{ ticketId: string; audience: Conversation['audience'] } | undefined>;
}

/** A platform request as it was received, kept until the work it asks for is done. */
export interface ReceivedRequest {
  channel: string;
  /** The same for the same request (a platform's redelivery is one request). */
  id: string;
  /** The request's body as the channel read it, as JSON. */
  body: string;
  receivedAt: Date;
}

/**
 * Requests a channel acked before working on them (a platform that waits 3 s): each is kept
 * before its ack and let go when its work is done, so a process that dies in between leaves it to
 * be worked again at the next start, not lost. Holds only unfinished requests.
 */
export interface ReceivedRequests {
  /**
   * Keeps it. A second keep of the same request changes nothing and says so: `first` false, with
   * when the first was kept.
   */
  keep(request: ReceivedRequest): Promise<{ first: boolean; keptAt: Date }>;
  done(channel: string, id: string): Promise<void>;
  /** Kept before `before` and not done, oldest first. */
  unfinished(channel: string, before: Date, limit: number): Promise<ReceivedRequest[]>;
}

/** A platform place (a Slack channel, a Teams channel) where one customer's contacts write to the desk. */
export interface CustomerPlace {
  channel: string;
  place: string;
  organisationId: string;
}

/**
 * Which organisation each customer place belongs to: a top-level message there from one of its
 * contacts opens a ticket for it. One document per place, written whole, so two admins mapping
 * different places never touch the same document.
 */
export interface CustomerPlaces {
  organisationOf(channel: string, place: string): Promise<string | undefined>;
  /** Maps the place to the organisation, replacing what it was mapped to. */
  map(place: CustomerPlace): Promise<void>;
  /** True when the place was mapped. */
  unmap(channel: string, place: string): Promise<boolean>;
  list(): Promise<CustomerPlace[]>;
}

/**
 * Inbound chat events already handled, by their platform event id (a unique insert), so that a
 * platform's redelivery (Slack's retries, a repeated Teams activity) is a no-op.
 */
export interface InboundLog {
  /** True when `eventId` on `channel` was handled to the end before. */
  handled(channel: string, eventId: string): Promise<boolean>;
  /** Marks it handled: true when this was the first mark, false when it was marked before. */
  record(channel: string, eventId: string, at: Date): Promise<boolean>;
  /** Forgets events long past any platform's redelivery; cheap to call often. */
  prune(now: Date): Promise<void>;
}

/** A one-time sign-in link to the web desk, known only by its token's hash. */
export interface SignInLink {
  tokenHash: string;
  personId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

/** Why a sign-in link cannot be used (unknown: no link has that token). */
export type UnusableLink = 'unknown' | 'used' | 'expired';

export interface SignInLinks {
  add(link: SignInLink): Promise<void>;
  /**
   * Uses the link once: of any number of callers at once, at most one gets its person, and only
   * while it is unused and not expired at `now`; everyone else is told why not.
   */
  use(tokenHash: string, now: Date): Promise<{ personId: string } | { unusable: UnusableLink }>;
}

/**
 * Requests for sign-in links per address, counted in fixed windows, so an address cannot be
 * flooded with mail (and a guesser gets nowhere faster).
 */
export interface SignInAttempts {
  /** Counts one more request for `addressKey` in the window starting `windowStart`; the count so far. */
  count(addressKey: string, windowStart: Date, windowEnd: Date): Promise<number>;
}

/** A signed-in browser: its id is known only as a hash; the CSRF token it must echo. */
export interface WebSession {
  idHash: string;
  personId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The earlier of the idle and the absolute expiry. */
  expiresAt: Date;
}

export interface WebSessions {
  add(session: WebSession): Promise<void>;
  get(idHash: string): Promise<WebSession | undefined>;
  /** The session was seen at `lastSeenAt`; it now expires at `expiresAt`. */
  touch(idHash: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  remove(idHash: string): Promise<void>;
}

/** Random tokens and their one-way digests: how links and sessions are made and stored. */
export interface TokenSource {
  /** A new random token, at least 32 bytes, URL-safe. */
  token(): string;
  /** The token's digest, the only form in which it is stored. */
  digest(token: string): string;
}
