import type { Contract } from '../domain/sla/contract.ts';
import { recordIncidentLink } from '../domain/tickets/lifecycle.ts';
import type { Ticket } from '../domain/tickets/ticket.ts';
import { ticketTimers } from '../domain/tickets/timers.ts';
import type { DeskDeps } from './desk-deps.ts';
import type { ChangeEffects } from './ports.ts';
import { changeTicket, loadOrganisation } from './ticket-changes.ts';

/**
 * A change's to-do entry younger than this may belong to a writer that is still at it (between its
 * entry and its commit, or carrying it out): the relay leaves it alone until then.
 */
export const RELAY_GRACE_MS = 30_000;
/** Rounds of "plan, then look whether the ticket moved meanwhile" for one change. */
const PLAN_ROUNDS = 5;

/**
 * Carries out a committed change, idempotently, so that the writer right after its commit and the
 * relay after a crash may both do it: the ticket's timers are planned from the ticket as stored,
 * its notices go to the outbox (once per message and channel), the other side of a problem link follows, the to-do
 * entry goes, and the notices are delivered.
 */
export async function carryOut(
  deps: DeskDeps,
  ticket: Ticket,
  version: number,
  effects: ChangeEffects,
  contract: Contract,
): Promise<void> {
  await planTimers(deps, ticket, contract);
  const deliveries = await deps.delivery.prepare(ticket, effects.notices);
  await deps.delivery.enqueue(deliveries);
  for (const event of effects.events) {
    if (event.type === 'linked_to_problem') {
      await changeTicket(deps, event.problemId, ({ ticket: problem, at }) =>
        recordIncidentLink(problem, event.ticketId, {
          ...(event.actorId ? { actorId: event.actorId } : {}),
          at,
        }),
      );
    }
  }
  await deps.pendingChanges.done(ticket.id, version);
  deps.signals?.carriedOut(effects.events);
  await deps.delivery.deliver(deliveries);
}

/**
 * Makes the ticket's timers follow the ticket. Two changes carried out at once may plan in either
 * order; whoever plans looks at the ticket afterwards and plans again if it moved on, so the plan
 * that stays is the newest ticket's.
 */
export async function planTimers(deps: DeskDeps, ticket: Ticket, contract: Contract): Promise<void> {
  let current = ticket;
  for (let round = 0; round < PLAN_ROUNDS; round++) {
    await deps.timers.replace(current.id, ticketTimers(current, contract));
    const stored = await deps.tickets.get(current.id);
    if (!stored || stored.version === current.version) return;
    current = stored;
  }
}

/**
 * The relay's pass: finishes every change a writer left unfinished (a crash, a database that went
 * away after the commit), then tries again the notices whose delivery is due. Runs at start-up and
 * periodically; reads only the to-do list and the outbox, which hold unfinished work alone.
 * Returns how many changes it finished.
 */
export async function relayPending(deps: DeskDeps, { limit = 100 } = {}): Promise<number> {
  const now = deps.clock.now().getTime();
  let finished = 0;
  for (const pending of await deps.pendingChanges.oldest(limit)) {
    if (now - pending.since.getTime() < RELAY_GRACE_MS) break;
    try {
      if (await finish(deps, pending.ticketId, pending.version)) finished++;
    } catch (error) {
      deps.logger.warn(
        { err: error, ticketId: pending.ticketId, version: pending.version },
        'relay will try again',
      );
    }
  }
  await divideOlderNotices(deps, limit);
  await deps.inbound.prune(deps.clock.now());
  // After an outage the outbox can hold thousands: pages follow while they come back full and
  // get somewhere, up to a bound, so one pass a minute does not trickle them out 100 at a time.
  for (let page = 0; page < DELIVERY_PAGES; page++) {
    const { due, done } = await deps.delivery.deliverDue(DELIVERY_PAGE);
    if (due < DELIVERY_PAGE || done === 0) break;
  }
  return finished;
}

/** One pass delivers at most this many pages of this many entries. */
const DELIVERY_PAGE = 100;
const DELIVERY_PAGES = 20;

/** Outboxes found to hold no older notices: they are not looked at again. */
const dividedOutboxes = new WeakSet<object>();

/**
 * An older version kept each undelivered notice whole in the outbox; it becomes one entry per
 * channel, as if its change were carried out now, so an upgrade loses none of them.
 */
async function divideOlderNotices(deps: DeskDeps, limit: number): Promise<void> {
  if (dividedOutboxes.has(deps.outbox)) return;
  const notices = await deps.outbox.undividedNotices(limit);
  if (notices.length === 0) dividedOutboxes.add(deps.outbox);
  for (const notice of notices) {
    const ticket = await deps.tickets.get(notice.ticketId);
    // The older version confirmed a sent notice under its own id: that one went out already.
    const sent = await deps.delivery.confirmed(notice.id);
    if (ticket && !sent) await deps.delivery.enqueue(await deps.delivery.prepare(ticket, [notice]));
  }
  await deps.outbox.dropNotices(notices.map((notice) => notice.id));
}

/** Carries out one unfinished change; false when it was never committed (nothing to do). */
async function finish(deps: DeskDeps, ticketId: string, version: number): Promise<boolean> {
  const effects = await deps.tickets.committed(ticketId, version);
  const ticket = effects && (await deps.tickets.settle(ticketId));
  if (!effects || !ticket) {
    // The writer died before its commit: there is nothing to carry out.
    await deps.pendingChanges.done(ticketId, version);
    return false;
  }
  const organisation = await loadOrganisation(deps, ticket.organisationId);
  await carryOut(deps, ticket, version, effects, deps.contracts.contract(organisation.contractId));
  return true;
}
