import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from '../../src/app/messaging/delivery.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { fireTimer } from '../../src/app/sla-steps.ts';
import { MemoryChannel } from '../../src/channels/memory/memory-channel.ts';
import { relayPending } from '../../src/app/relay.ts';
import { useTestDesk } from '../support/test-desk.ts';

/** A chat platform that is down for the first `outages` messages, then takes everything. */
class FlakyPlatform extends MemoryChannel {
  constructor(outages: number) {
    super();
    this.failNext(outages, new Error('platform unavailable'));
  }
  get delivered() {
    return this.sent;
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
    source: 'api',
    category: 'incident',
    title: 'Down',
    description: 'd',
    priority: 'P1',
  });
  clock.set('2026-11-16T11:05:00+01:00');
  return { acme, ticket };
}

function withPlatform(platform: MemoryChannel) {
  return desk().deliveringOn([platform]);
}

const toPerson = (platform: FlakyPlatform, personId: string) =>
  platform.delivered.filter((n) => n.recipient.kind === 'person' && n.recipient.personId === personId);

describe('an escalation that could not be delivered', () => {
  it('stays in the outbox and is delivered exactly once when the platform is back', async () => {
    const { acme, ticket } = await lateTicket('Acme outage');
    const platform = new FlakyPlatform(1);
    const deps = withPlatform(platform);
    await fireTimer(deps, ticket.id, 'response:level1');
    expect((await deps.tickets.get(ticket.id))!.sla.notifiedSteps).toContain('response:level1');
    expect(toPerson(platform, acme.incidentManager.id)).toEqual([]);
    expect((await deps.outbox.backlog()).pending).toBe(1);

    // Not before its retry is due, then once, however often the relay passes.
    await relayPending(deps);
    expect(toPerson(platform, acme.incidentManager.id)).toEqual([]);
    desk().clock.advance(retryDelayMs(1));
    await relayPending(deps);
    await relayPending(deps);
    await fireTimer(deps, ticket.id, 'response:level1');
    const toManager = toPerson(platform, acme.incidentManager.id);
    expect(toManager.map((n) => [n.key, n.id])).toEqual([
      ['escalated.response', `${ticket.id}:response:level1:${acme.incidentManager.id}`],
    ]);
    // Told as it happened: late by 5 minutes then, not now.
    expect(toManager[0]!.text).toContain('it is 5 min late in business time');
    expect(await deps.outbox.backlog()).toEqual({ pending: 0, failed: 0 });
  });

  it('is given up on after the bounded number of tries, and counted as failed', async () => {
    const { acme, ticket } = await lateTicket('Acme gone');
    const platform = new FlakyPlatform(1_000);
    const deps = withPlatform(platform);
    await fireTimer(deps, ticket.id, 'response:level1');
    for (let attempt = 1; attempt < MAX_DELIVERY_ATTEMPTS; attempt++) {
      desk().clock.advance(retryDelayMs(attempt));
      await relayPending(deps);
    }
    expect(toPerson(platform, acme.incidentManager.id)).toEqual([]);
    const backlog = await deps.outbox.backlog();
    // The triage channel's copy of other notices may be pending too; this one is given up on.
    expect(backlog.failed).toBeGreaterThanOrEqual(1);
    desk().clock.advance(24 * 3_600_000);
    const before = platform.delivered.length;
    await relayPending(deps);
    expect(platform.delivered.length).toBe(before);
  });
});
