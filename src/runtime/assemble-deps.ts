import { ChangeBatches } from '../app/change-batches.ts';
import type { ChannelSender } from '../app/messaging/channel.ts';
import { MessageDelivery, type DeliverySignals } from '../app/messaging/delivery.ts';
import type { AppLogger, ChangeSignals, DeskDeps } from '../app/desk-deps.ts';
import type { Clock, ContractCatalogue, SlaTimerScheduler, Waiter } from '../app/ports.ts';
import type { Locale } from '../domain/locale.ts';
import type { MongoStore } from '../store/mongo/index.ts';

export interface DeskParts {
  clock: Clock;
  /** How the application pauses: on the real clock in a desk, on the test's clock in tests. */
  waiter: Waiter;
  timers: SlaTimerScheduler;
  contracts: ContractCatalogue;
  /** Where messages go: the log, the web-hook, the chat platforms. */
  channels: readonly ChannelSender[];
  /** The language of the triage channel. */
  triageLocale: Locale;
  logger: AppLogger;
  signals?: ChangeSignals;
  deliverySignals?: DeliverySignals;
}

/** The application's ports over the store, with the parts that differ between a desk and a test. */
export function assembleDeps(store: MongoStore, parts: DeskParts): DeskDeps {
  return {
    clock: parts.clock,
    waiter: parts.waiter,
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
    received: store.received,
    customerPlaces: store.customerPlaces,
    contracts: parts.contracts,
    batches: new ChangeBatches(parts.waiter),
    logger: parts.logger,
    ...(parts.signals ? { signals: parts.signals } : {}),
    delivery: new MessageDelivery({
      people: store.people,
      settings: store.deskSettings,
      channels: parts.channels,
      deliveries: store.deliveries,
      outbox: store.outbox,
      conversations: store.conversations,
      clock: parts.clock,
      triageLocale: parts.triageLocale,
      logger: parts.logger,
      ...(parts.deliverySignals ? { signals: parts.deliverySignals } : {}),
    }),
  };
}
