import { describe, expect, it } from 'vitest';
import type { DeskDeps } from '../../src/app/desk-deps.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { useTestDesk } from '../support/test-desk.ts';

describe('two holders of one open’s key', () => {
  const desk = useTestDesk();

  it('a holder too slow to draw its number, whose claim a retry took over, opens no second ticket', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Slow holder AB');
    // The first open's number comes only when the test says so (a database stalled for a minute).
    let release: () => void = () => undefined;
    let reached: () => void = () => undefined;
    const drawing = new Promise<void>((resolve) => (reached = resolve));
    let first = true;
    const slow: DeskDeps = {
      ...deps,
      ids: {
        newId: () => deps.ids.newId(),
        nextTicketId: async () => {
          if (!first) return deps.ids.nextTicketId();
          first = false;
          const released = new Promise<void>((resolve) => (release = resolve));
          reached();
          await released;
          return deps.ids.nextTicketId();
        },
      },
    };
    const request = {
      organisationId: acme.organisation.id,
      requesterId: acme.contact.id,
      source: 'api' as const,
      category: 'incident' as const,
      title: 'Opened twice?',
      description: 'Held up',
      idempotencyKey: 'retry-after-a-stall',
    };
    const held = openTicket(slow, acme.contact.id, request);
    await drawing;
    // A minute on, the client retries; the first claim looks abandoned and is taken over.
    clock.advance(60_000);
    const retried = await openTicket(slow, acme.contact.id, request);
    release();
    const slowOne = await held;
    expect(slowOne.id).toBe(retried.id);
    const page = await deps.tickets.list({ organisationId: acme.organisation.id });
    expect(page.tickets.filter((t) => t.title === 'Opened twice?')).toHaveLength(1);
  });
});
