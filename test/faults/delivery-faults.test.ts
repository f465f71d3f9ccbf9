import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../src/app/messaging/message.ts';
import { DELIVERY_LEASE_MS, retryDelayMs } from '../../src/app/messaging/delivery.ts';
import { openTicket } from '../../src/app/open-ticket.ts';
import { linkIdentity } from '../../src/app/directory.ts';
import { setTriagePlace } from '../../src/app/messaging/messaging-admin.ts';
import { MemoryChannel } from '../../src/channels/memory/memory-channel.ts';
import type { Address, MessageRef } from '../../src/app/messaging/channel.ts';
import { useTestDatabase } from '../support/database.ts';
import { ManualClock } from '../support/test-desk.ts';
import { seedCustomer, startProcess, type Customer, type DeskProcess } from './support.ts';

/** A chat platform as the desk addresses it: people by their web logins, triage by its place. */
const chat = () => new MemoryChannel({ reach: 'identities', identityChannel: 'web' });

/** A platform call that never comes back: the process that made it is as good as dead. */
class HangingChannel extends MemoryChannel {
  readonly reached: Promise<OutgoingMessage>;
  private arrive!: (message: OutgoingMessage) => void;
  constructor() {
    super({ reach: 'identities', identityChannel: 'web' });
    this.reached = new Promise((resolve) => (this.arrive = resolve));
  }
  override post(_address: Address, message: OutgoingMessage): Promise<MessageRef> {
    this.arrive(message);
    return new Promise(() => undefined);
  }
}

describe('delivery when workers die or run side by side', () => {
  const database = useTestDatabase('delivery_faults');
  const clock = new ManualClock(new Date('2026-11-16T09:00:00+01:00'));
  let seeder: DeskProcess;
  let acme: Customer;
  const started: DeskProcess[] = [];
  const start = async (channel?: MemoryChannel) => {
    const process = await startProcess(database().name, clock, channel);
    started.push(process);
    return process;
  };

  beforeAll(async () => {
    seeder = await start();
    acme = await seedCustomer(seeder.deps, 'Delivery faults AB');
    for (const person of [acme.contact, acme.agent])
      await linkIdentity(seeder.deps, person.id, { channel: 'web', externalId: `login-${person.id}` });
    await setTriagePlace(seeder.deps, 'memory', 'triage-room');
  });
  afterAll(async () => {
    for (const process of started) await process.close();
  });

  const request = (title: string) => ({
    organisationId: acme.organisation.id,
    requesterId: acme.contact.id,
    source: 'api',
    category: 'incident' as const,
    title,
    description: 'The portal is down',
  });

  it('a worker killed after claiming and before sending: the message goes after the lease, once', async () => {
    const hanging = new HangingChannel();
    const dying = await start(hanging);
    // The open commits and carries out; its first delivery claims and never returns.
    void openTicket(dying.deps, acme.contact.id, request('Dies mid-send'));
    const first = await hanging.reached;
    await dying.close();

    const platform = chat();
    const survivor = await start(platform);
    // Within the lease the claim still stands: the survivor leaves it alone.
    clock.advance(DELIVERY_LEASE_MS - 1_000);
    await survivor.deps.delivery.deliverDue();
    expect(platform.sent.filter((m) => m.id === first.id)).toEqual([]);
    clock.advance(2_000);
    await survivor.deps.delivery.deliverDue();
    await survivor.deps.delivery.deliverDue();
    const ticketId = first.ticketId;
    expect(
      platform.sent
        .filter((m) => m.ticketId === ticketId)
        .map((m) => m.key)
        .sort(),
    ).toEqual(['opened', 'triageNew']);
    expect(await survivor.deps.outbox.backlog()).toMatchObject({ pending: 0 });
    // The survivor started both conversations: a reply to either finds the ticket.
    for (const message of platform.sent.filter((m) => m.ticketId === ticketId))
      expect(await survivor.deps.conversations.ticketOfThread('memory', message.ref.thread)).toMatchObject({
        ticketId,
      });
  });

  it('two workers passing over the same outbox at once: each message delivered once', async () => {
    const down = chat();
    down.failNext(10_000);
    const writer = await start(down);
    const tickets = [];
    for (let i = 0; i < 12; i++)
      tickets.push(await openTicket(writer.deps, acme.contact.id, request(`Both ${i}`)));
    clock.advance(retryDelayMs(1));

    // One platform, two processes delivering to it.
    const platform = chat();
    const [one, two] = [await start(platform), await start(platform)];
    await Promise.all([one.deps.delivery.deliverDue(), two.deps.delivery.deliverDue()]);
    await Promise.all([one.deps.delivery.deliverDue(), two.deps.delivery.deliverDue()]);
    const ids = new Set(tickets.map((t) => t.id));
    const mine = platform.sent.filter((m) => ids.has(m.ticketId)).map((m) => m.id);
    expect(mine).toHaveLength(tickets.length * 2);
    expect(new Set(mine).size).toBe(mine.length);
    // One triage card per ticket, each its conversation's root.
    for (const ticket of tickets) {
      const cards = platform.sent.filter((m) => m.ticketId === ticket.id && m.message.kind === 'card');
      expect(cards).toHaveLength(1);
      expect((await one.deps.conversations.get(ticket.id, 'memory', 'triage'))?.root).toEqual(cards[0]!.ref);
    }
  });
});
