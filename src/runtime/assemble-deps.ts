import { ChangeBatches } from '../app/change-batches.ts';
import { NoticeDelivery } from '../app/deliver-notices.ts';
import type { AppLogger, ChangeSignals, DeskDeps } from '../app/desk-deps.ts';
import type { Clock, ContractCatalogue, Notifier, SlaTimerScheduler } from '../app/ports.ts';
import type { Locale } from '../domain/locale.ts';
import type { MongoStore } from '../store/mongo/index.ts';

export interface DeskParts {
  clock: Clock;
  timers: SlaTimerScheduler;
  contracts: ContractCatalogue;
  notifier: Notifier;
  /** The language of the triage channel. */
  triageLocale: Locale;
  logger: AppLogger;
  signals?: ChangeSignals;
}

/** The application's ports over the store, with the parts that differ between a desk and a test. */
export function assembleDeps(store: MongoStore, parts: DeskParts): DeskDeps {
  return {
    clock: parts.clock,
    ids: store.ids,
    tickets: store.tickets,
    organisations: store.organisations,
    people: store.people,
    settings: store.deskSettings,
    audit: store.audit,
    timers: parts.timers,
    openClaims: store.openClaims,
    pendingChanges: store.pendingChanges,
    outbox: store.outbox,
    conversations: store.conversations,
    inbound: store.inbound,
    contracts: parts.contracts,
    batches: new ChangeBatches(),
    logger: parts.logger,
    ...(parts.signals ? { signals: parts.signals } : {}),
    delivery: new NoticeDelivery({
      people: store.people,
      notifier: parts.notifier,
      deliveries: store.deliveries,
      outbox: store.outbox,
      clock: parts.clock,
      triageLocale: parts.triageLocale,
      logger: parts.logger,
    }),
  };
}
