import { describe, expect, it } from 'vitest';
import type { Notification } from '../../src/app/notification.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import type { Notifier } from '../../src/app/ports.ts';
import { fireTimer } from '../../src/app/sla-steps.ts';
import { DeliveryError, PeopleNotifier } from '../../src/app/tell-people.ts';
import { useTestDesk } from '../support/test-desk.ts';

/** A chat platform that is down for the first `outages` messages, then takes everything. */
class FlakyPlatform implements Notifier {
  readonly delivered: Notification[] = [];
  constructor(private outages: number) {}
  async notify(notification: Notification): Promise<void> {
    if (this.outages > 0) {
      this.outages--;
      throw new Error('platform unavailable');
    }
    this.delivered.push(notification);
  }
}

const desk = useTestDesk();

async function lateTicket(name: string) {
  const { deps, clock } = desk();
  const acme = await desk().seedCustomer(name);
  clock.set('2026-11-16T09:00:00+01:00');
  const ticket = await openTicket(deps, acme.agent.id, {
    organisationId: acme.organisation.id,
    requesterId: acme.contact.id,
    category: 'incident',
    title: 'Down',
    description: 'd',
    priority: 'P1',
  });
  clock.set('2026-11-16T11:05:00+01:00');
  return { acme, ticket };
}

function withPlatform(platform: Notifier) {
  const { deps, store } = desk();
  const tell = new PeopleNotifier({
    people: store.people,
    notifier: platform,
    deliveries: store.deliveries,
    settings: store.deskSettings,
    triageLocale: 'en',
    logger: { warn: () => undefined },
  });
  return { ...deps, tell };
}

describe('an escalation that could not be delivered', () => {
  it('fails the job so it runs again, and the re-run tells the Incident Manager exactly once', async () => {
    const { acme, ticket } = await lateTicket('Acme outage');
    // Down for the step's first message and for the immediate second try within the same run.
    const platform = new FlakyPlatform(2);
    const deps = withPlatform(platform);
    await expect(fireTimer(deps, ticket.id, 'response:level1')).rejects.toThrow(DeliveryError);
    expect((await deps.tickets.get(ticket.id))!.sla.notifiedSteps).toContain('response:level1');
    await fireTimer(deps, ticket.id, 'response:level1');
    await fireTimer(deps, ticket.id, 'response:level1');
    const toManager = platform.delivered.filter(
      (n) => n.recipient.kind === 'person' && n.recipient.personId === acme.incidentManager.id,
    );
    expect(toManager.map((n) => [n.key, n.id])).toEqual([
      ['escalated.response', `${ticket.id}:response:level1:${acme.incidentManager.id}`],
    ]);
    // The re-run tells the same event as the first attempt: late by 5 minutes then, not now.
    expect(toManager[0]!.text).toContain('it is 5 min late in business time');
  });

  it('is told after the worker died between saving the step and sending it', async () => {
    const { acme, ticket } = await lateTicket('Acme crash');
    const dead = { ...desk().deps, tell: { tell: async () => undefined } as unknown as PeopleNotifier };
    await fireTimer(dead, ticket.id, 'response:level1');
    expect((await dead.tickets.get(ticket.id))!.sla.notifiedSteps).toContain('response:level1');
    const platform = new FlakyPlatform(0);
    const deps = withPlatform(platform);
    desk().clock.set('2026-11-16T11:07:00+01:00');
    await fireTimer(deps, ticket.id, 'response:level1');
    await fireTimer(deps, ticket.id, 'response:level1');
    const told = platform.delivered.filter(
      (n) => n.recipient.kind === 'person' && n.recipient.personId === acme.incidentManager.id,
    );
    expect(told.map((n) => n.key)).toEqual(['escalated.response']);
    // Told as it happened (from the audit log): 5 minutes late at 11:05, though it is 11:07 now.
    expect(told[0]!.text).toContain('it is 5 min late in business time');
  });
});
