import { describe, expect, it } from 'vitest';
import { stepFor } from '../../src/app/action-steps.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { performAction, TICKET_ACTIONS, type TicketAction } from '../../src/app/perform-action.ts';
import { fireTimer } from '../../src/app/sla-steps.ts';
import type { ChangeEffects } from '../../src/app/ports.ts';
import { DomainError } from '../../src/domain/domain-error.ts';
import type { Ticket } from '../../src/domain/tickets/ticket.ts';
import { toHttpError } from '../../src/http/error-mapping.ts';
import { errorMessage } from '../../src/i18n/error-message.ts';
import { useTestDesk, type SeededCustomer } from '../support/test-desk.ts';

const desk = useTestDesk();

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** A P1 incident opened at 09:00 on the Stratiteq contract: due 11:00, level 2 from 13:00. */
async function incident(customer: SeededCustomer): Promise<Ticket> {
  const { deps, clock } = desk();
  clock.set('2026-11-16T09:00:00+01:00');
  return openTicket(deps, customer.agent.id, {
    organisationId: customer.organisation.id,
    requesterId: customer.contact.id,
    source: 'api',
    category: 'incident',
    title: 'Down',
    description: 'd',
    priority: 'P1',
  });
}

/** The ticket as stored now, for the step its buttons would carry. */
const stored = async (id: string) => (await desk().deps.tickets.get(id))!;

describe('a button made for a step the ticket has moved on from', () => {
  it('acknowledging level 1 after level 2 fired is refused; the level 2 button works', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme stale ack');
    const t = await incident(acme);
    clock.set('2026-11-16T11:20:00+01:00');
    await fireTimer(deps, t.id, 'response:level1');
    const level1Button = stepFor(await stored(t.id), 'acknowledge');
    expect(level1Button).toBe('level1');
    clock.set('2026-11-16T13:05:00+01:00');
    await fireTimer(deps, t.id, 'response:level2');
    const before = await stored(t.id);

    const stale = await refusal(
      performAction(deps, acme.incidentManager.id, t.id, { name: 'acknowledge' }, level1Button),
    );
    expect(stale.code).toBe('staleAction');
    expect(stale.params).toMatchObject({ ticket: t.id, moved: 'level', was: 1, now: 2 });
    expect(errorMessage('en', `errors.${stale.code}`, stale.params)).toBe(
      `this button is for escalation level 1 of ticket ${t.id}; the ticket is now at level 2: acknowledge that escalation instead`,
    );
    expect(errorMessage('sv', `errors.${stale.code}`, stale.params)).toBe(
      `den här knappen gäller eskaleringsnivå 1 för ärende ${t.id}; ärendet är nu på nivå 2: kvittera den eskaleringen i stället`,
    );
    expect(toHttpError(stale)?.status).toBe(409);
    // Refused before anything changed.
    expect((await stored(t.id)).version).toBe(before.version);

    const acknowledged = await performAction(
      deps,
      acme.incidentManager.id,
      t.id,
      { name: 'acknowledge' },
      stepFor(before, 'acknowledge'),
    );
    expect(acknowledged.sla.acknowledgedLevel).toBe(2);
  });

  it('accepting a solution that was reopened is refused, also once the ticket is resolved again', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme stale accept');
    const t = await incident(acme);
    clock.set('2026-11-16T10:00:00+01:00');
    await performAction(deps, acme.agent.id, t.id, { name: 'resolve' });
    const firstSolution = stepFor(await stored(t.id), 'accept');
    expect(firstSolution).toBe(`resolved@${new Date('2026-11-16T10:00:00+01:00').toISOString()}`);
    // The colleague presses "Not solved" on the same message: that button is still current.
    await performAction(
      deps,
      acme.colleague.id,
      t.id,
      { name: 'reopen', reason: 'still down' },
      firstSolution,
    );

    const reopened = await refusal(
      performAction(deps, acme.contact.id, t.id, { name: 'accept' }, firstSolution),
    );
    expect(reopened.params).toMatchObject({ ticket: t.id, moved: 'reopened', action: 'accept' });
    expect(errorMessage('en', 'errors.staleAction', reopened.params)).toBe(
      `the solution of ticket ${t.id} this button was for was reopened since: “accept the solution” is not possible now`,
    );

    clock.set('2026-11-16T11:00:00+01:00');
    await performAction(deps, acme.agent.id, t.id, { name: 'resolve' });
    const resolvedAgain = await refusal(
      performAction(deps, acme.contact.id, t.id, { name: 'accept' }, firstSolution),
    );
    expect(resolvedAgain.params).toMatchObject({ moved: 'resolvedAgain' });
    expect(errorMessage('sv', 'errors.staleAction', resolvedAgain.params)).toBe(
      `lösningen i ärende ${t.id} som den här knappen gällde har öppnats igen sedan dess, och ärendet har lösts på nytt: svara på den senaste lösningen i stället`,
    );
    expect((await stored(t.id)).status).toBe('resolved');

    const secondSolution = stepFor(await stored(t.id), 'accept');
    const closed = await performAction(deps, acme.contact.id, t.id, { name: 'accept' }, secondSolution);
    expect(closed.status).toBe('closed');
  });

  it('approving an estimate that was replaced is refused; the latest estimate’s button approves', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme stale estimate');
    const t = await incident(acme);
    const estimate = { name: 'billable', estimateMinutes: 60, reason: 'out of scope' } as const;
    await performAction(deps, acme.agent.id, t.id, estimate);
    const firstEstimate = stepFor(await stored(t.id), 'approveEstimate');
    clock.advance(60_000);
    await performAction(deps, acme.agent.id, t.id, { ...estimate, estimateMinutes: 240 });

    const replaced = await refusal(
      performAction(deps, acme.contact.id, t.id, { name: 'approveEstimate' }, firstEstimate),
    );
    expect(replaced.params).toMatchObject({ ticket: t.id, moved: 'estimate' });
    expect(errorMessage('en', 'errors.staleAction', replaced.params)).toBe(
      `the estimate of ticket ${t.id} this button was for was replaced since: approve its latest estimate instead`,
    );
    expect((await stored(t.id)).billable?.approvedAt).toBeUndefined();

    const approved = await performAction(
      deps,
      acme.contact.id,
      t.id,
      { name: 'approveEstimate' },
      stepFor(await stored(t.id), 'approveEstimate'),
    );
    expect(approved.billable).toMatchObject({ estimateMinutes: 240, approvedBy: acme.contact.id });
  });

  it('a button for an action without steps carries none: any stamp on it is stale', async () => {
    const { deps } = desk();
    const acme = await desk().seedCustomer('Acme stale claim');
    const t = await incident(acme);
    const stale = await refusal(performAction(deps, acme.agent.id, t.id, { name: 'claim' }, 'level1'));
    expect(stale.params).toEqual({ ticket: t.id, action: 'claim' });
    expect(errorMessage('en', 'errors.staleAction', stale.params)).toBe(
      `this button for “claim” on ticket ${t.id} was made for an earlier state of the ticket; look at the ticket as it is now`,
    );
    expect((await performAction(deps, acme.agent.id, t.id, { name: 'claim' })).assigneeId).toBe(
      acme.agent.id,
    );
  });

  it('is checked again on the fresh ticket when another process changed it in between', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme stale race');
    const t = await incident(acme);
    clock.set('2026-11-16T11:20:00+01:00');
    await fireTimer(deps, t.id, 'response:level1');
    const level1Button = stepFor(await stored(t.id), 'acknowledge');
    clock.set('2026-11-16T13:05:00+01:00');
    // Another process, with its own meeting point for changes, fires level 2 just before this
    // process saves its acknowledgement of level 1, decided on the ticket it had read.
    const other = desk().deliveringOn([desk().notifier]);
    let raced = false;
    const tickets = Object.create(deps.tickets) as typeof deps.tickets;
    tickets.save = async (ticket: Ticket, effects: ChangeEffects) => {
      if (!raced) {
        raced = true;
        await fireTimer(other, t.id, 'response:level2');
      }
      return deps.tickets.save(ticket, effects);
    };

    const stale = await refusal(
      performAction(
        { ...deps, tickets },
        acme.incidentManager.id,
        t.id,
        { name: 'acknowledge' },
        level1Button,
      ),
    );
    expect(raced).toBe(true);
    expect(stale.params).toMatchObject({ moved: 'level', was: 1, now: 2 });
    expect((await stored(t.id)).sla).toMatchObject({ escalationLevel: 2, acknowledgedLevel: 0 });
  });
});

describe('who may act, through the one entry point', () => {
  it('refuses a desk-only action by a contact, and says so before anything about the ticket', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme contact acts');
    const t = await incident(acme);
    clock.set('2026-11-16T11:20:00+01:00');
    await fireTimer(deps, t.id, 'response:level1');
    const button = stepFor(await stored(t.id), 'acknowledge');
    clock.set('2026-11-16T13:05:00+01:00');
    await fireTimer(deps, t.id, 'response:level2');

    for (const madeFor of [undefined, button]) {
      const refused = await refusal(
        performAction(deps, acme.contact.id, t.id, { name: 'acknowledge' }, madeFor),
      );
      expect(refused.code).toBe('agentsOnly');
      expect(refused.params).toEqual({ action: 'acknowledge' });
    }
    expect((await refusal(performAction(deps, acme.contact.id, t.id, { name: 'resolve' }))).code).toBe(
      'agentsOnly',
    );
    // And a customer-only decision by the desk.
    expect((await refusal(performAction(deps, acme.agent.id, t.id, { name: 'approveEstimate' }))).code).toBe(
      'customerOnly',
    );
    expect((await stored(t.id)).sla.acknowledgedLevel).toBe(0);
  });
});

describe('every action name', () => {
  type Actor = keyof Pick<SeededCustomer, 'agent' | 'otherAgent' | 'incidentManager' | 'contact'>;
  // In order, on one escalated ticket: each step leaves the ticket where the next one is possible.
  const steps = (assigneeId: string): [TicketAction, Actor, (ticket: Ticket) => unknown, unknown][] => [
    [{ name: 'acknowledge' }, 'incidentManager', (t) => t.sla.acknowledgedLevel, 1],
    [{ name: 'claim' }, 'agent', (t) => [t.status, t.assigneeId === undefined], ['claimed', false]],
    [{ name: 'assign', assigneeId }, 'agent', (t) => t.assigneeId, assigneeId],
    [{ name: 'start' }, 'otherAgent', (t) => t.status, 'in_progress'],
    [{ name: 'priority', priority: 'P2' }, 'agent', (t) => t.priority, 'P2'],
    [
      { name: 'comment', body: 'looking', visibility: 'internal' },
      'agent',
      (t) => t.comments.map((c) => [c.body, c.visibility]),
      [['looking', 'internal']],
    ],
    [
      { name: 'billable', estimateMinutes: 90, reason: 'extra' },
      'agent',
      (t) => t.billable?.estimateMinutes,
      90,
    ],
    [{ name: 'approveEstimate' }, 'contact', (t) => t.billable?.approvedAt !== undefined, true],
    [
      { name: 'effort', minutes: 30, note: 'debugging', billable: true },
      'agent',
      (t) => t.effort.map((e) => [e.minutes, e.note, e.billable]),
      [[30, 'debugging', true]],
    ],
    [{ name: 'wait' }, 'agent', (t) => t.status, 'waiting_on_customer'],
    [{ name: 'resume' }, 'agent', (t) => t.status, 'in_progress'],
    [{ name: 'resolve' }, 'agent', (t) => t.status, 'resolved'],
    [{ name: 'reopen', reason: 'no' }, 'contact', (t) => t.status, 'in_progress'],
    [{ name: 'resolve' }, 'agent', (t) => t.status, 'resolved'],
    [{ name: 'accept' }, 'contact', (t) => t.status, 'closed'],
  ];

  it('the table covers them all', () => {
    expect(new Set(steps('anyone').map(([action]) => action.name))).toEqual(new Set(TICKET_ACTIONS));
  });

  it('each dispatches to its use case, for the actor, on the ticket named', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme every action');
    const t = await incident(acme);
    const bystander = await incident(acme);
    clock.set('2026-11-16T11:20:00+01:00');
    await fireTimer(deps, t.id, 'response:level1');
    for (const [action, actor, read, expected] of steps(acme.otherAgent.id)) {
      const answer = await performAction(deps, acme[actor].id, t.id, action);
      expect([action.name, read(answer)]).toEqual([action.name, expected]);
      expect([action.name, read(await stored(t.id))]).toEqual([action.name, expected]);
    }
    const untouched = await stored(bystander.id);
    expect([untouched.status, untouched.version]).toEqual(['new', bystander.version]);
  });
});
