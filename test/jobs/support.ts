import { setImmediate as nextTurn } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';
import { inject } from 'vitest';
import type { DeskDeps } from '../../src/app/desk-deps.ts';
import { addAgent, addContact, createOrganisation } from '../../src/app/directory.ts';
import type { MessageRef } from '../../src/app/messaging/channel.ts';
import type { ContractCatalogue, SlaTimerScheduler } from '../../src/app/ports.ts';
import { MemoryChannel } from '../../src/channels/memory/memory-channel.ts';
import { assembleDeps } from '../../src/runtime/assemble-deps.ts';
import { systemWaiter } from '../../src/runtime/system-waiter.ts';
import { contractFromTerms } from '../../src/contracts/load-contract.ts';
import { PRESETS } from '../../src/contracts/presets.ts';
import type { Organisation } from '../../src/domain/desk/organisation.ts';
import type { Person } from '../../src/domain/desk/people.ts';
import type { Contract, ContractTerms } from '../../src/domain/sla/contract.ts';
import type { JobsLogger } from '../../src/jobs/job-names.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';

/**
 * What a test waits for by events rather than by sleeping: `until(check)` looks again each time
 * something it watches reports a change. It has no deadline of its own; a test's timeout is the
 * one guard against a hang, so a busy machine makes a test slower, never red.
 */
export class Watch {
  private generation = 0;
  private readonly sleepers = new Set<() => void>();

  changed(): void {
    this.generation++;
    const woken = [...this.sleepers];
    this.sleepers.clear();
    for (const wake of woken) wake();
  }

  async until(check: () => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      const seen = this.generation;
      if (await check()) return;
      // Checked and registered without a gap: a change during the check is not missed.
      if (this.generation === seen) await new Promise<void>((wake) => this.sleepers.add(wake));
    }
  }
}

/**
 * Waits for a state only the database shows (a job removed after its run), reading it again on
 * each turn of the event loop: paced by the database's answers, not by a timer.
 */
export async function untilStored(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await nextTurn();
}

/** A channel that takes every message and keeps it; its `watch` is told of each one posted. */
export class RecordingNotifier extends MemoryChannel {
  readonly watch = new Watch();

  override async post(...args: Parameters<MemoryChannel['post']>): Promise<MessageRef> {
    const ref = await super.post(...args);
    this.watch.changed();
    return ref;
  }

  /** Escalations and reminders: `clock:level` per ticket, e.g. "SD-1 response:level1". */
  slaMessages(): string[] {
    // The triage card's updates after a step are the card, not the step's announcement.
    return this.sent.flatMap(({ event, ticketId, recipient, message }) => {
      if (message.kind === 'card') return [];
      const to = recipient.kind === 'person' ? recipient.personId : 'triage';
      if (event.type === 'escalated') return [`${ticketId} ${event.clock}:level${event.level} → ${to}`];
      if (event.type === 'reminder') return [`${ticketId} ${event.clock}:reminder → ${to}`];
      return [];
    });
  }
}

/** A logger that keeps everything, so a test can say "no errors" or look for one. */
export class RecordingLogger implements JobsLogger {
  readonly lines: Array<{ level: 'info' | 'warn' | 'error'; message: string; details: object }> = [];
  info(details: object, message: string) {
    this.lines.push({ level: 'info', message, details });
  }
  warn(details: object, message: string) {
    this.lines.push({ level: 'warn', message, details });
  }
  error(details: object, message: string) {
    this.lines.push({ level: 'error', message, details });
  }
  errors() {
    return this.lines.filter((line) => line.level === 'error');
  }
}

const ALL_DAY = [{ from: '00:00', to: '24:00' }];

/**
 * Stratiteq's contract as a test clock can live with: open around the clock in UTC, P1 answered
 * within 2 minutes, and the steps set so that the reminder falls 0.6 s and level 1 1.5 s after
 * registration (levels 2 and 3 stay minutes away).
 */
export const FAST_TERMS: ContractTerms = {
  ...PRESETS.stratiteq,
  id: 'stratiteq-fast',
  name: 'Stratiteq, 24/7 test clock',
  calendar: {
    timeZone: 'UTC',
    week: {
      mon: ALL_DAY,
      tue: ALL_DAY,
      wed: ALL_DAY,
      thu: ALL_DAY,
      fri: ALL_DAY,
      sat: ALL_DAY,
      sun: ALL_DAY,
    },
  },
  priorities: [{ key: 'P1', label: { sv: 'Affärskritiskt', en: 'Business-critical' }, responseMinutes: 2 }],
  defaultPriority: 'P1',
  escalation: { reminderAt: 0.6 / 120, levelsAt: [1.5 / 120, 1.5, 2] },
};

export function contractCatalogue(): ContractCatalogue {
  const contracts = new Map<string, Contract>([
    ['stratiteq', contractFromTerms(PRESETS.stratiteq)],
    [FAST_TERMS.id, contractFromTerms(FAST_TERMS)],
  ]);
  return {
    contract(id) {
      const contract = contracts.get(id);
      if (!contract) throw new Error(`no contract ${id}`);
      return contract;
    },
  };
}

/** The real application wiring over the real store, with the given timers and notifier. */
export function deskOn(
  connection: Connection,
  timers: SlaTimerScheduler,
  notifier: MemoryChannel,
  contracts: ContractCatalogue = contractCatalogue(),
): DeskDeps {
  return assembleDeps(createMongoStore(connection), {
    clock: { now: () => new Date() },
    waiter: systemWaiter,
    timers,
    contracts,
    channels: [notifier],
    triageLocale: 'en',
    logger: { warn: () => {} },
  });
}

export async function ensureStoreIndexes(connection: Connection): Promise<void> {
  await createMongoStore(connection).ensureIndexes();
}

export interface SeededDesk {
  organisation: Organisation;
  agent: Person;
  incidentManager: Person;
  contact: Person;
}

/** A customer on `contractId` with its Incident & Problem Manager, one agent and one contact. */
export async function seedDesk(deps: DeskDeps, contractId: string): Promise<SeededDesk> {
  const agent = await addAgent(deps, { name: 'Alva Agent', locale: 'en' });
  const incidentManager = await addAgent(deps, { name: 'Ines Incident', locale: 'en' });
  const organisation = await createOrganisation(deps, {
    name: `Kund ${Math.random().toString(36).slice(2, 8)}`,
    contractId,
    locale: 'sv',
    incidentManagerId: incidentManager.id,
  });
  const contact = await addContact(deps, organisation.id, { name: 'Kim Kontakt', locale: 'sv' });
  return { organisation: (await deps.organisations.get(organisation.id))!, agent, incidentManager, contact };
}

/** A second, independent connection to the same database (another process, as far as it knows). */
export async function secondConnection(connection: Connection): Promise<Connection> {
  return mongoose.createConnection(inject('mongoUri'), { dbName: connection.name }).asPromise();
}
