import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_LEASE_MS, deliveryId } from '../../src/app/messaging/delivery.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { relayPending, RELAY_GRACE_MS } from '../../src/app/relay.ts';
import * as actions from '../../src/app/ticket-actions.ts';
import { useTestDatabase } from '../support/database.ts';
import { ManualClock } from '../support/test-desk.ts';
import { countWrites, dieAfter } from './dying-process.ts';
import { carriedOut, seedCustomer, startProcess, type Customer, type DeskProcess } from './support.ts';

/**
 * A process killed between any two writes of a change, then started again: after the restart's
 * relay (and the client's retry of an open, with its idempotency key) every stored ticket has its
 * audit entry, its timers and its notices, each once. Each case lets the first process make exactly
 * N writes of the change, for every N from 0 to all of them, and then kills it.
 */
/**
 * A notice sent twice is a fault, except in the one place no store can rule out: the process died
 * after the channel took the notice and before the delivery log heard of it. The notice then goes
 * again with the same id, for the receiver to drop (RELIABILITY.md).
 */
function unconfirmed(
  state: { deliveredTwice: string[] },
  death: { diedAt(): { method: string; collection: string; id?: unknown } | undefined },
): string[] {
  const diedAt = death.diedAt();
  for (const id of state.deliveredTwice) {
    const diedConfirming =
      diedAt?.collection === 'notification_deliveries' &&
      diedAt.method === 'insertOne' &&
      diedAt.id === deliveryId(id, 'memory');
    if (diedConfirming) excused.add(id);
  }
  // The sends of every round are counted together, so an excused repeat stays one in later rounds.
  return state.deliveredTwice.filter((id) => !excused.has(id));
}
const excused = new Set<string>();

/** Each case restarts a desk some twenty times over: tens of seconds on a busy machine. */
const ROUNDS_TIMEOUT_MS = 180_000;

describe('a process killed at every point of a change', () => {
  const database = useTestDatabase('crash_points');
  const clock = new ManualClock(new Date('2026-11-16T09:00:00+01:00'));
  let seeder: DeskProcess;
  let acme: Customer;

  beforeAll(async () => {
    seeder = await startProcess(database().name, clock);
    acme = await seedCustomer(seeder.deps, 'Crash AB');
  });
  afterAll(async () => {
    await seeder.close();
  });

  const request = (title: string, idempotencyKey: string) => ({
    organisationId: acme.organisation.id,
    requesterId: acme.contact.id,
    source: 'api' as const,
    category: 'incident' as const,
    title,
    description: 'The portal is down',
    priority: 'P2',
    idempotencyKey,
  });

  /** The restart: a new process, later than any writer could still be at it, runs its relay. */
  async function restart(): Promise<DeskProcess> {
    clock.advance(RELAY_GRACE_MS + DELIVERY_LEASE_MS + 31_000);
    const again = await startProcess(database().name, clock);
    await relayPending(again.deps);
    return again;
  }

  it(
    'an open: one ticket per key, with its opened event, timers and notices, each once',
    async () => {
      const probe = await startProcess(database().name, clock);
      const writes = countWrites(probe.connection.getClient());
      await openTicket(probe.deps, acme.contact.id, request('probe', 'probe'));
      const total = writes.made();
      await probe.close();
      expect(total).toBeGreaterThan(8);

      for (let n = 0; n < total; n++) {
        const dying = await startProcess(database().name, clock);
        const death = dieAfter(dying.connection.getClient(), n);
        const title = `open killed after ${n} writes`;
        await openTicket(dying.deps, acme.contact.id, request(title, `key-${n}`)).catch(() => undefined);
        await dying.close();

        const restarted = await restart();
        // The client never got its answer: it sends the same open again.
        const ticket = await openTicket(restarted.deps, acme.contact.id, request(title, `key-${n}`));
        const stored = await database().db!.collection('tickets').countDocuments({ title });
        const state = await carriedOut(restarted.deps, restarted.connection, ticket.id, [
          ...dying.notifier.sent,
          ...restarted.notifier.sent,
        ]);
        expect({ n, stored, ...state, ticket: undefined, deliveredTwice: unconfirmed(state, death) }).toEqual(
          {
            n,
            stored: 1,
            ticket: undefined,
            eventTypes: ['opened'],
            undelivered: [],
            deliveredTwice: [],
            pending: 0,
            outbox: 0,
            timersPlanned: true,
          },
        );
        await restarted.close();
      }
    },
    ROUNDS_TIMEOUT_MS,
  );

  it(
    'a change of a ticket: all of it or none of it, carried out once',
    async () => {
      const owner = await startProcess(database().name, clock);
      const ticket = await openTicket(owner.deps, acme.contact.id, request('to be commented', 'comments'));
      const probe = await startProcess(database().name, clock);
      const writes = countWrites(probe.connection.getClient());
      await actions.claim(probe.deps, acme.agent.id, ticket.id);
      await actions.comment(probe.deps, acme.agent.id, ticket.id, { body: 'probe', visibility: 'public' });
      const total = writes.made();
      await probe.close();
      const sent = [...owner.notifier.sent, ...probe.notifier.sent];
      await owner.close();

      for (let n = 0; n < total; n++) {
        const dying = await startProcess(database().name, clock);
        const death = dieAfter(dying.connection.getClient(), n);
        const body = `comment killed after ${n} writes`;
        await actions
          .comment(dying.deps, acme.agent.id, ticket.id, { body, visibility: 'public' })
          .catch(() => undefined);
        await dying.close();
        const restarted = await restart();
        sent.push(...dying.notifier.sent, ...restarted.notifier.sent);
        const state = await carriedOut(restarted.deps, restarted.connection, ticket.id, sent);
        const inTicket = state.ticket.comments.filter((c) => c.body === body).length;
        const commented = state.eventTypes.filter((type) => type === 'commented').length;
        expect({
          n,
          ...state,
          ticket: undefined,
          eventTypes: undefined,
          deliveredTwice: unconfirmed(state, death),
        }).toEqual({
          n,
          ticket: undefined,
          eventTypes: undefined,
          undelivered: [],
          deliveredTwice: [],
          pending: 0,
          outbox: 0,
          timersPlanned: true,
        });
        // The comment is in the ticket exactly when its event is in the audit log.
        expect(commented).toBe(state.ticket.comments.length);
        expect(inTicket).toBeLessThanOrEqual(1);
        await restarted.close();
      }
    },
    ROUNDS_TIMEOUT_MS,
  );
});
