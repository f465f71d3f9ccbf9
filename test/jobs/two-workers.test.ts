import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskDeps } from '../../src/app/desk-deps.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { relayPending } from '../../src/app/relay.ts';
import { fireTimer } from '../../src/app/sla-steps.ts';
import type { Ticket } from '../../src/domain/tickets/ticket.ts';
import { createAgendaJobs, type AgendaJobs } from '../../src/jobs/agenda-jobs.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  deskOn,
  ensureStoreIndexes,
  FAST_TERMS,
  RecordingLogger,
  RecordingNotifier,
  secondConnection,
  seedDesk,
  sleep,
  waitFor,
} from './support.ts';

const database = useTestDatabase('jobs two workers');
const PROCESS_EVERY = 100;
const TICKETS = 8;

describe('two workers on one database', () => {
  // One notifier for both "processes", so every message either of them sends is counted.
  const notifier = new RecordingNotifier();
  const logger = new RecordingLogger();
  const fired: string[] = [];
  let other: Connection;
  let workers: AgendaJobs[] = [];
  let desks: DeskDeps[] = [];

  beforeAll(async () => {
    await ensureStoreIndexes(database());
    other = await secondConnection(database());
    for (const [index, connection] of [database(), other].entries()) {
      const name = `worker${index + 1}`;
      const jobs = createAgendaJobs({ connection, logger, processEvery: PROCESS_EVERY, name });
      const deps = deskOn(connection, jobs.scheduler, notifier);
      await jobs.startWorker({
        relay: () => relayPending(deps),
        fireTimer: async (ticketId, step) => {
          fired.push(name);
          return fireTimer(deps, ticketId, step);
        },
      });
      workers.push(jobs);
      desks.push(deps);
    }
  });
  afterAll(async () => {
    await Promise.all(workers.map((jobs) => jobs.stop()));
    await other?.close();
    workers = [];
    desks = [];
  });

  it('announce each step of each ticket exactly once', async () => {
    const [first, second] = desks as [DeskDeps, DeskDeps];
    const desk = await seedDesk(first, FAST_TERMS.id);
    // Tickets opened through both processes, so both schedule timers.
    const tickets: Ticket[] = await Promise.all(
      Array.from({ length: TICKETS }, (_, i) =>
        openTicket(i % 2 ? second : first, desk.agent.id, {
          organisationId: desk.organisation.id,
          requesterId: desk.contact.id,
          source: 'api',
          category: 'incident',
          title: `Alarm ${i}`,
          description: 'Threshold crossed',
          priority: 'P1',
        }),
      ),
    );
    const expected = tickets.flatMap((ticket) => [
      `${ticket.id} response:reminder → triage`,
      `${ticket.id} response:level1 → ${desk.incidentManager.id}`,
    ]);
    const announced = () => notifier.slaMessages();

    await waitFor(() => announced().length >= expected.length, 10_000, 'every reminder and level 1');
    await sleep(8 * PROCESS_EVERY);
    expect([...announced()].sort()).toEqual([...expected].sort());

    // A job that runs again, on either worker, finds the step recorded and says nothing.
    await Promise.all(
      tickets.flatMap((ticket) => [
        fireTimer(first, ticket.id, 'response:level1'),
        fireTimer(second, ticket.id, 'response:level1'),
      ]),
    );
    expect([...announced()].sort()).toEqual([...expected].sort());

    for (const ticket of tickets) {
      const stored = await first.tickets.get(ticket.id);
      // Both steps once each; under load the reminder may land just after level 1, which is fine.
      expect([...stored!.sla.notifiedSteps].sort()).toEqual(['response:level1', 'response:reminder']);
    }
    // Both workers were there to compete (which one wins a step is up to the lock).
    expect(fired.length).toBeGreaterThanOrEqual(expected.length);
    expect(logger.errors()).toEqual([]);
  });
});
