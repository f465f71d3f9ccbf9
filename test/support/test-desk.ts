import { beforeAll } from 'vitest';
import type { DeskDeps } from '../../src/app/desk-deps.ts';
import { addAgent, addContact, createOrganisation, setCeo } from '../../src/app/directory.ts';
import type { ChannelSender } from '../../src/app/messaging/channel.ts';
import type { DeliverySignals } from '../../src/app/messaging/delivery.ts';
import type { Clock, SlaTimerScheduler, Waiter } from '../../src/app/ports.ts';
import { LoadedContracts } from '../../src/contracts/contract-catalogue.ts';
import type { Organisation } from '../../src/domain/desk/organisation.ts';
import type { Person } from '../../src/domain/desk/people.ts';
import type { Contract } from '../../src/domain/sla/contract.ts';
import type { SlaTimer } from '../../src/domain/tickets/sla-clock.ts';
import { MemoryChannel } from '../../src/channels/memory/memory-channel.ts';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { assembleDeps } from '../../src/runtime/assemble-deps.ts';
import { createDeskMetrics } from '../../src/runtime/desk-metrics.ts';
import { createMongoStore, type MongoStore } from '../../src/store/mongo/index.ts';
import { useTestDatabase } from './database.ts';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * Waits on a test's clock: a wait of `ms` moves the clock on to `ms` after the instant it began, and
 * ends on the next turn of the event loop, so what the application measures and what it waits for
 * are one clock. Waits that overlap (begun at the same instant) move it once, as real time would.
 */
export class ClockWaiter implements Waiter {
  constructor(private readonly clock: ManualClock) {}
  wait(ms: number): Promise<void> {
    const until = this.clock.now().getTime() + ms;
    return new Promise((resolve) =>
      setImmediate(() => {
        const behind = until - this.clock.now().getTime();
        if (behind > 0) this.clock.advance(behind);
        resolve();
      }),
    );
  }
}

/** Keeps each ticket's current timer plan, as the job queue would hold it. */
export class RecordingScheduler implements SlaTimerScheduler {
  readonly plans = new Map<string, readonly SlaTimer[]>();
  async replace(ticketId: string, timers: readonly SlaTimer[]): Promise<void> {
    this.plans.set(ticketId, timers);
  }
  steps(ticketId: string): string[] {
    return (this.plans.get(ticketId) ?? []).map((t) => t.step);
  }
}

export interface TestDesk {
  deps: DeskDeps;
  store: MongoStore;
  /** The file's own database, for looking at what was stored. */
  connection: Connection;
  /** The desk's SLA, outbox and relay figures. */
  metrics: Registry;
  clock: ManualClock;
  notifier: MemoryChannel;
  timers: RecordingScheduler;
  /** A customer on `contractId` with its Incident Manager and account owner, two contacts, and a CEO. */
  seedCustomer(name: string, contractId?: string): Promise<SeededCustomer>;
  /** The same desk (store, clock, timers) delivering on `channels`: another process, as it were. */
  deliveringOn(channels: readonly ChannelSender[], deliverySignals?: DeliverySignals): DeskDeps;
}

export interface SeededCustomer {
  organisation: Organisation;
  contact: Person;
  colleague: Person;
  agent: Person;
  otherAgent: Person;
  incidentManager: Person;
  accountOwner: Person;
  ceo: Person;
}

/** The application services over the real store on this file's own database, a manual clock, and recording ports. */
export function useTestDesk(
  start = '2026-11-16T09:00:00+01:00',
  extraContracts: Contract[] = [],
): () => TestDesk {
  const connection = useTestDatabase('desk');
  let desk: TestDesk | undefined;

  beforeAll(async () => {
    const store = createMongoStore(connection());
    await store.ensureIndexes();
    const clock = new ManualClock(new Date(start));
    const notifier = new MemoryChannel();
    const timers = new RecordingScheduler();
    const silent = { warn: () => undefined };
    const metrics = createDeskMetrics(store, () => clock.now());
    const waiter = new ClockWaiter(clock);
    const contracts = new LoadedContracts(extraContracts);
    const deliveringOn = (channels: readonly ChannelSender[], deliverySignals?: DeliverySignals) =>
      assembleDeps(store, {
        clock,
        waiter,
        timers,
        contracts,
        channels,
        triageLocale: 'en',
        logger: silent,
        ...(deliverySignals ? { deliverySignals } : {}),
      });
    const deps: DeskDeps = assembleDeps(store, {
      signals: metrics.signals,
      clock,
      waiter,
      timers,
      contracts,
      channels: [notifier],
      triageLocale: 'en',
      logger: silent,
    });
    let seeded = 0;
    desk = {
      deps,
      deliveringOn,
      store,
      connection: connection(),
      metrics: metrics.registry,
      clock,
      notifier,
      timers,
      async seedCustomer(name, contractId = 'stratiteq') {
        const n = ++seeded;
        const agent = await addAgent(deps, { name: `Agent ${n}`, locale: 'en' });
        const otherAgent = await addAgent(deps, { name: `Other agent ${n}`, locale: 'en' });
        const incidentManager = await addAgent(deps, { name: `Incident Manager ${n}`, locale: 'en' });
        const accountOwner = await addAgent(deps, { name: `Account Owner ${n}`, locale: 'sv' });
        const ceo = await addAgent(deps, { name: `CEO ${n}`, admin: true, locale: 'en' });
        await setCeo(deps, store.deskSettings, ceo.id);
        const organisation = await createOrganisation(deps, {
          name,
          contractId,
          locale: 'sv',
          incidentManagerId: incidentManager.id,
          accountOwnerId: accountOwner.id,
        });
        const contact = await addContact(deps, organisation.id, { name: `${name} contact`, locale: 'en' });
        const colleague = await addContact(deps, organisation.id, { name: `${name} colleague` });
        return {
          organisation: (await store.organisations.get(organisation.id))!,
          contact,
          colleague,
          agent,
          otherAgent,
          incidentManager,
          accountOwner,
          ceo,
        };
      },
    };
  });

  return () => {
    if (!desk) throw new Error('useTestDesk: the desk is built in beforeAll; use it inside tests or hooks');
    return desk;
  };
}
