import { describe, expect, it } from 'vitest';
import { openTicket, reportAlert } from '../../src/app/open-ticket.ts';
import { useTestDesk } from '../support/test-desk.ts';

const desk = useTestDesk();

/**
 * The application waits through its waiter, on the clock it measures with: here the test's own
 * clock, which only the waits move. A pause on real time would leave it standing, and the loops
 * below would never see a claim grow old.
 */
describe('waiting on the clock the application measures with', () => {
  it('an alert whose first firing died holding its key opens the incident once the claim is surely abandoned', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme dead firing');
    const key = `alert:${acme.organisation.id}:disk`;
    // What a firing leaves when it dies between claiming the key and drawing a number.
    await deps.openClaims.claim(key, 0, 'dead-token', clock.now());
    const before = clock.now().getTime();

    const { ticket, created } = await reportAlert(deps, {
      organisationId: acme.organisation.id,
      alertKey: 'disk',
      title: 'Disk full',
      description: 'fs02',
    });

    expect(created).toBe(true);
    expect(ticket.alertKey).toBe('disk');
    // It waited the claim out (30 s) on the clock, in 50 ms looks, and not much more.
    const waited = clock.now().getTime() - before;
    expect(waited).toBeGreaterThanOrEqual(30_000);
    expect(waited).toBeLessThan(31_000);
    expect((await deps.openClaims.latest(key))?.generation).toBe(1);
  });

  it('an open whose key another try holds is answered "in progress" after about 3 s of looking', async () => {
    const { deps, clock } = desk();
    const acme = await desk().seedCustomer('Acme held key');
    await deps.openClaims.claim(`request:${acme.contact.id}:held`, 0, 'other-token', clock.now());
    const before = clock.now().getTime();

    await expect(
      openTicket(deps, acme.contact.id, {
        organisationId: acme.organisation.id,
        requesterId: acme.contact.id,
        source: 'api',
        category: 'incident',
        title: 'Held',
        description: 'd',
        idempotencyKey: 'held',
      }),
    ).rejects.toMatchObject({ code: 'openInProgress' });
    expect(clock.now().getTime() - before).toBe(3_000);
  });
});
