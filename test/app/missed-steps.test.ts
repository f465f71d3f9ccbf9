import { describe, expect, it } from 'vitest';
import { openTicket } from '../../src/app/open-ticket.ts';
import { fireTimer } from '../../src/app/sla-steps.ts';
import { useTestDesk } from '../support/test-desk.ts';

describe('steps missed while no worker ran', () => {
  const desk = useTestDesk();

  it('are announced in order when the worker is back: reminder, then level 1, 2, 3', async () => {
    const { deps, clock, timers, notifier } = desk();
    const acme = await desk().seedCustomer('Downtime AB');
    const ticket = await openTicket(deps, acme.agent.id, {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api',
      category: 'incident',
      title: 'Down all weekend',
      description: 'd',
      priority: 'P1',
    });
    // The worker was down for a week: every step of the response clock is overdue.
    clock.advance(7 * 24 * 3_600_000);
    const before = notifier.sent.length;
    // What the job runner does: the ticket's job is for its earliest timer; each firing plans again.
    for (let firings = 0; firings < 20; firings++) {
      const next = timers.plans.get(ticket.id)?.[0];
      if (!next || next.at.getTime() > clock.now().getTime()) break;
      await fireTimer(deps, ticket.id, next.step);
    }
    const steps = notifier.sent
      .slice(before)
      .flatMap(({ event }) =>
        event.type === 'reminder'
          ? [`${event.clock}:reminder`]
          : event.type === 'escalated'
            ? [`${event.clock}:level${event.level}`]
            : [],
      );
    const response = [...new Set(steps.filter((step) => step.startsWith('response')))];
    expect(response).toEqual(['response:reminder', 'response:level1', 'response:level2', 'response:level3']);
  });
});
