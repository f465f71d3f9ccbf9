import mongoose, { type Connection } from 'mongoose';
import { inject } from 'vitest';
import type { DeskDeps } from '../../src/app/desk-deps.ts';
import { addAgent, addContact, createOrganisation, setCeo } from '../../src/app/directory.ts';
import type { Notice } from '../../src/app/notification.ts';
import { LoadedContracts } from '../../src/contracts/contract-catalogue.ts';
import type { Organisation } from '../../src/domain/desk/organisation.ts';
import type { Person } from '../../src/domain/desk/people.ts';
import type { Ticket } from '../../src/domain/tickets/ticket.ts';
import { ticketTimers } from '../../src/domain/tickets/timers.ts';
import { createAgendaJobs, type AgendaJobs } from '../../src/jobs/agenda-jobs.ts';
import { MemoryChannel } from '../../src/channels/memory/memory-channel.ts';
import { assembleDeps } from '../../src/runtime/assemble-deps.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { ClockWaiter, type ManualClock } from '../support/test-desk.ts';
import { forget } from './dying-process.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** One desk process on the test database: its own connection (its own driver client), its own ports. */
export interface DeskProcess {
  deps: DeskDeps;
  connection: Connection;
  notifier: MemoryChannel;
  jobs: AgendaJobs;
  /** Ends it; for a "killed" process, whatever its last calls throw is ignored. */
  close(): Promise<void>;
}

/** `notifier`: the platform it delivers to; several processes may share one, as they share Slack. */
export async function startProcess(
  dbName: string,
  clock: ManualClock,
  notifier: MemoryChannel = new MemoryChannel(),
): Promise<DeskProcess> {
  const connection = await mongoose
    .createConnection(inject('mongoUri'), { dbName, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  const store = createMongoStore(connection);
  await store.ensureIndexes();
  const jobs = createAgendaJobs({ connection, logger: quiet });
  // The job backend prepares its storage when it is made: done before a test counts writes.
  await jobs.scheduler.replace('warm-up', []);
  const deps = assembleDeps(store, {
    clock,
    waiter: new ClockWaiter(clock),
    timers: jobs.scheduler,
    contracts: new LoadedContracts([]),
    channels: [notifier],
    triageLocale: 'en',
    logger: quiet,
  });
  return {
    deps,
    connection,
    notifier,
    jobs,
    async close() {
      await jobs.stop().catch(() => undefined);
      forget(connection.getClient());
      await connection.close().catch(() => undefined);
    },
  };
}

export interface Customer {
  organisation: Organisation;
  contact: Person;
  agent: Person;
}

export async function seedCustomer(deps: DeskDeps, name: string): Promise<Customer> {
  const agent = await addAgent(deps, { name: `${name} agent`, locale: 'en' });
  const incidentManager = await addAgent(deps, { name: `${name} IM`, locale: 'en' });
  const ceo = await addAgent(deps, { name: `${name} CEO`, locale: 'en' });
  await setCeo(deps, deps.settings, ceo.id);
  const organisation = await createOrganisation(deps, {
    name,
    contractId: 'stratiteq',
    locale: 'sv',
    incidentManagerId: incidentManager.id,
    accountOwnerId: agent.id,
  });
  const contact = await addContact(deps, organisation.id, { name: `${name} contact`, locale: 'en' });
  return { organisation: (await deps.organisations.get(organisation.id))!, contact, agent };
}

/**
 * What a change must have left once carried out, checked from the database and the channels:
 * every committed change of the ticket in its audit log once, its notices each delivered exactly
 * once over all processes, nothing left pending, and the timers the ticket as stored plans.
 */
export async function carriedOut(
  deps: DeskDeps,
  connection: Connection,
  ticketId: string,
  sent: readonly { id: string }[],
): Promise<{
  ticket: Ticket;
  eventTypes: string[];
  undelivered: string[];
  deliveredTwice: string[];
  pending: number;
  outbox: number;
  timersPlanned: boolean;
}> {
  const ticket = (await deps.tickets.get(ticketId))!;
  const events = await deps.audit.forTicket(ticket);
  const db = connection.db!;
  const revisions = await db
    .collection<{ _id: string; effects?: { notices?: Notice[] } }>('ticket_revisions')
    .find({ of: ticketId })
    .toArray();
  const noticeIds = revisions.flatMap((revision) => (revision.effects?.notices ?? []).map((n) => n.id));
  const count = (id: string) => sent.filter((notification) => notification.id === id).length;
  const organisation = (await deps.organisations.get(ticket.organisationId))!;
  const expected = ticketTimers(ticket, deps.contracts.contract(organisation.contractId))[0];
  const plan = await db
    .collection<{ _id: string; jobs: { step: string; at: Date }[] }>('sla_timer_plans')
    .findOne({ _id: ticketId });
  const planned = plan?.jobs ?? [];
  return {
    ticket,
    eventTypes: events.map((event) => event.type),
    undelivered: noticeIds.filter((id) => count(id) === 0),
    deliveredTwice: noticeIds.filter((id) => count(id) > 1),
    pending: await db.collection('pending_changes').countDocuments({ ticketId }),
    outbox: await db.collection('outbox').countDocuments({ 'message.ticketId': ticketId }),
    timersPlanned: expected
      ? planned.some((job) => job.step === expected.step && job.at.getTime() === expected.at.getTime())
      : planned.length === 0,
  };
}
