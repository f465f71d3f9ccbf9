import type { TicketEvent } from '../domain/tickets/events.ts';
import type { ChangeBatches } from './change-batches.ts';
import type { MessageDelivery } from './messaging/delivery.ts';
import type {
  AuditLog,
  Clock,
  ContractCatalogue,
  ConversationStore,
  CustomerPlaces,
  DeskSettingsRepository,
  IdGenerator,
  InboundLog,
  ReceivedRequests,
  OpenClaims,
  OrganisationRepository,
  Outbox,
  PendingChanges,
  PersonRepository,
  SlaTimerScheduler,
  TicketRepository,
  Waiter,
} from './ports.ts';

/** The logging the application does itself: work that failed and will be done again later. */
export interface AppLogger {
  warn(details: object, message: string): void;
}

/**
 * Where a ticket was opened from: the API, a monitoring alert, or the chat channel's name ("slack",
 * "teams", "web"): few and fixed by configuration, so they make good metric labels.
 */
export type TicketSource = 'api' | 'alert' | (string & {});

/** Told of every change once it is carried out: for figures such as escalations per level. */
export interface ChangeSignals {
  carriedOut(events: readonly TicketEvent[]): void;
  /** A ticket was really opened: once per ticket, never for a repeated try that gave it back. */
  ticketOpened(source: TicketSource): void;
}

/** Everything the use cases need from the outside world, as ports. */
export interface DeskDeps {
  clock: Clock;
  /** Every pause the application makes (polling a key another open holds, backing off a conflict). */
  waiter: Waiter;
  ids: IdGenerator;
  tickets: TicketRepository;
  organisations: OrganisationRepository;
  people: PersonRepository;
  settings: DeskSettingsRepository;
  audit: AuditLog;
  timers: SlaTimerScheduler;
  contracts: ContractCatalogue;
  openClaims: OpenClaims;
  pendingChanges: PendingChanges;
  outbox: Outbox;
  delivery: MessageDelivery;
  conversations: ConversationStore;
  inbound: InboundLog;
  received: ReceivedRequests;
  customerPlaces: CustomerPlaces;
  /** This process's meeting point for changes to the same record (see change-batches.ts). */
  batches: ChangeBatches;
  logger: AppLogger;
  signals?: ChangeSignals;
}
