import { describe, expect, it } from 'vitest';
import { linkIdentity } from '../../../src/app/directory.ts';
import { ChannelBusyError } from '../../../src/app/messaging/channel.ts';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from '../../../src/app/messaging/delivery.ts';
import { setTriagePlace } from '../../../src/app/messaging/messaging-admin.ts';
import { openTicket } from '../../../src/app/open-ticket.ts';
import { relayPending } from '../../../src/app/relay.ts';
import * as actions from '../../../src/app/ticket-actions.ts';
import type { MessageRef } from '../../../src/app/messaging/channel.ts';
import type { OutgoingMessage } from '../../../src/app/messaging/message.ts';
import { MemoryChannel } from '../../../src/channels/memory/memory-channel.ts';
import { assembleDeps } from '../../../src/runtime/assemble-deps.ts';
import { createDeskMetrics } from '../../../src/runtime/desk-metrics.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { useTestDesk, type SeededCustomer } from '../../support/test-desk.ts';

const desk = useTestDesk();

/** The test desk's store and clock, delivering on these channels. */
function deliveringOn(...channels: MemoryChannel[]) {
  const metrics = createDeskMetrics(desk().store, () => desk().clock.now());
  return { deps: desk().deliveringOn(channels, metrics.deliverySignals), metrics: metrics.registry };
}

async function counter(metrics: ReturnType<typeof deliveringOn>['metrics'], name: string) {
  const metric = await metrics.getSingleMetric(name)?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [JSON.stringify(v.labels), v.value]));
}

async function openFor(deps: ReturnType<typeof deliveringOn>['deps'], acme: SeededCustomer, title: string) {
  return openTicket(deps, acme.contact.id, {
    organisationId: acme.organisation.id,
    requesterId: acme.contact.id,
    source: 'api',
    category: 'incident',
    title,
    description: 'The portal is down',
  });
}

/** A chat channel addressed by web logins, with its triage place named. */
async function chatChannel(acme: SeededCustomer, name = 'chat') {
  const channel = new MemoryChannel({ name, reach: 'identities', identityChannel: 'web' });
  const { deps } = desk();
  for (const person of [acme.contact, acme.agent, acme.incidentManager])
    await linkIdentity(deps, person.id, { channel: 'web', externalId: `${name}-${person.id}` });
  await setTriagePlace(deps, name, `${name}-triage`);
  return channel;
}

describe('delivery per message and channel', () => {
  it('a channel that answers errors and then takes the message gets it once', async () => {
    const acme = await desk().seedCustomer('Retry AB');
    const flaky = new MemoryChannel({ name: 'flaky' });
    flaky.failNext(2);
    const { deps } = deliveringOn(flaky);
    const ticket = await openFor(deps, acme, 'Flaky');
    expect(flaky.sent).toEqual([]);
    // The first retry is due after its back-off, not before.
    await relayPending(deps);
    expect(flaky.sent).toEqual([]);
    for (let tried = 1; tried <= 3; tried++) {
      desk().clock.advance(retryDelayMs(tried));
      await relayPending(deps);
    }
    await relayPending(deps);
    const keys = flaky.sent.filter((m) => m.ticketId === ticket.id).map((m) => m.key);
    expect(keys.sort()).toEqual(['opened', 'triageNew']);
  });

  it('one channel failing never re-sends on the channel that succeeded', async () => {
    const acme = await desk().seedCustomer('Two channels AB');
    const steady = new MemoryChannel({ name: 'steady' });
    const broken = new MemoryChannel({ name: 'broken' });
    broken.failNext(3);
    const { deps } = deliveringOn(steady, broken);
    const ticket = await openFor(deps, acme, 'Two channels');
    for (let tried = 1; tried <= 4; tried++) {
      desk().clock.advance(retryDelayMs(tried));
      await relayPending(deps);
    }
    const mine = (channel: MemoryChannel) =>
      channel.sent
        .filter((m) => m.ticketId === ticket.id)
        .map((m) => m.key)
        .sort();
    expect(mine(steady)).toEqual(['opened', 'triageNew']);
    expect(mine(broken)).toEqual(['opened', 'triageNew']);
  });

  it('waits at least as long as a busy platform asks (429 Retry-After)', async () => {
    const acme = await desk().seedCustomer('Busy AB');
    const busy = new MemoryChannel({ name: 'busy' });
    busy.failNext(2, new ChannelBusyError('slow down', 20 * 60_000));
    const { deps } = deliveringOn(busy);
    const ticket = await openFor(deps, acme, 'Busy');
    desk().clock.advance(retryDelayMs(1));
    await relayPending(deps);
    expect(busy.sent.filter((m) => m.ticketId === ticket.id)).toEqual([]);
    desk().clock.advance(20 * 60_000);
    await relayPending(deps);
    expect(busy.sent.filter((m) => m.ticketId === ticket.id)).toHaveLength(2);
  });

  it('gives up after the bounded number of tries: kept as failed, counted, listed for an operator', async () => {
    const acme = await desk().seedCustomer('Gone AB');
    const gone = new MemoryChannel({ name: 'gone' });
    gone.failNext(1_000, new Error('gone: 503 Service Unavailable'));
    const { deps, metrics } = deliveringOn(gone);
    const ticket = await openFor(deps, acme, 'Gone');
    for (let tried = 1; tried < MAX_DELIVERY_ATTEMPTS; tried++) {
      desk().clock.advance(retryDelayMs(tried));
      await relayPending(deps);
    }
    const failed = (await deps.outbox.failures(50)).filter((f) => f.message.ticketId === ticket.id);
    expect(failed.map((f) => [f.channel, f.message.key, f.attempts, f.lastError]).sort()).toEqual([
      ['gone', 'opened', MAX_DELIVERY_ATTEMPTS, 'gone: 503 Service Unavailable'],
      ['gone', 'triageNew', MAX_DELIVERY_ATTEMPTS, 'gone: 503 Service Unavailable'],
    ]);
    expect(await counter(metrics, 'sladesk_notifications_failed_total')).toEqual({ '{"channel":"gone"}': 2 });
    desk().clock.advance(24 * 3_600_000);
    await relayPending(deps);
    expect(gone.sent).toEqual([]);
  });
});

describe('addresses and conversations', () => {
  it('threads the requester’s messages under their first one, and keeps the triage card one living message', async () => {
    const acme = await desk().seedCustomer('Threads AB');
    const chat = await chatChannel(acme);
    const { deps } = deliveringOn(chat);
    const ticket = await openFor(deps, acme, 'Threads');
    const card = chat.sent.find((m) => m.ticketId === ticket.id && m.key === 'triageNew')!;
    expect(card.address).toEqual({ kind: 'triage', target: 'chat-triage' });
    expect(card.message.buttons.map((b) => b.action)).toEqual(['claim', 'assign', 'priority']);
    const confirmation = chat.sent.find((m) => m.ticketId === ticket.id && m.key === 'opened')!;
    expect(confirmation.address).toMatchObject({ kind: 'person', personId: acme.contact.id });
    expect(confirmation.thread).toBeUndefined();

    await actions.claim(deps, acme.agent.id, ticket.id);
    await actions.startWork(deps, acme.agent.id, ticket.id);
    // The card changed in place, twice, and lost its Claim button with the first change.
    expect(chat.sent.filter((m) => m.ticketId === ticket.id && m.address.kind === 'triage')).toHaveLength(1);
    expect(card.updates).toBe(2);
    expect(card.message.buttons.map((b) => b.action)).toEqual(['assign', 'priority', 'wait', 'resolve']);
    expect(card.text).toContain(acme.agent.name);
    // The requester's updates came in the thread of their confirmation.
    const requesterThread = chat.thread(confirmation.ref).map((m) => m.key);
    expect(requesterThread).toEqual(['opened', 'assigned', 'workStarted']);
    // And a reply there can be traced back to the ticket.
    expect(await deps.conversations.ticketOfThread('chat', confirmation.ref.thread)).toEqual({
      ticketId: ticket.id,
      audience: 'requester',
    });
  });

  it('never takes the card back to an older state when updates arrive late', async () => {
    const acme = await desk().seedCustomer('Late card AB');
    const chat = await chatChannel(acme);
    const { deps } = deliveringOn(chat);
    const ticket = await openFor(deps, acme, 'Late card');
    // The claim's card update fails and waits for its retry.
    chat.failNext(1, undefined, (message) => message.kind === 'card');
    await actions.claim(deps, acme.agent.id, ticket.id);
    await actions.startWork(deps, acme.agent.id, ticket.id);
    desk().clock.advance(retryDelayMs(1));
    await relayPending(deps);
    const card = chat.sent.find((m) => m.ticketId === ticket.id && m.key === 'triageNew')!;
    expect(card.message.params.status).toBe('in_progress');
    expect(
      chat.updated.filter((u) => u.message.ticketId === ticket.id).map((u) => u.message.params.status),
    ).toEqual(['in_progress']);
  });

  it('skips a channel where the person has no identity, and reports a person no chat channel reaches', async () => {
    const acme = await desk().seedCustomer('Nowhere AB');
    const chat = new MemoryChannel({ name: 'nowhere', reach: 'identities', identityChannel: 'web' });
    const log = new MemoryChannel({ name: 'record' });
    const { deps, metrics } = deliveringOn(chat, log);
    const ticket = await openFor(deps, acme, 'Nowhere');
    expect(chat.sent).toEqual([]);
    // The feed still records it: nothing is dropped silently.
    expect(
      log.sent
        .filter((m) => m.ticketId === ticket.id)
        .map((m) => m.key)
        .sort(),
    ).toEqual(['opened', 'triageNew']);
    expect(await counter(metrics, 'sladesk_notifications_unreachable_total')).toEqual({
      '{"audience":"requester"}': 1,
      '{"audience":"triage"}': 1,
    });
    expect((await deps.outbox.failures(100)).filter((f) => f.message.ticketId === ticket.id)).toEqual([]);
  });
});

describe('an outbox an older version wrote', () => {
  it('has its whole notices divided into deliveries per channel and delivered; none lost, none sent twice', async () => {
    const acme = await desk().seedCustomer('Upgrade AB');
    const { deps } = deliveringOn(new MemoryChannel({ name: 'before' }));
    const pending = await openFor(deps, acme, 'Upgraded');
    const sentAlready = await openFor(deps, acme, 'Sent before the upgrade');
    const givenUp = await openFor(deps, acme, 'Given up before the upgrade');
    const first = async (ticketId: string) => (await deps.tickets.committed(ticketId, 0))!.notices[0]!;
    // As the previous version kept undelivered notices: whole, by their ids, without a channel.
    const db = desk().connection.db!;
    const outbox = db.collection('outbox');
    const at = desk().clock.now();
    const legacy = async (ticketId: string, more: object = {}) => {
      const notice = await first(ticketId);
      await outbox.insertOne({
        _id: notice.id as never,
        notice,
        attempts: 0,
        addedAt: at,
        dueAt: at,
        ...more,
      });
      return notice;
    };
    const waiting = await legacy(pending.id);
    // Sent and confirmed under its own id, the process died before it left the outbox.
    const confirmed = await legacy(sentAlready.id);
    await db.collection('notification_deliveries').insertOne({ _id: confirmed.id as never, at });
    const failed = await legacy(givenUp.id, { attempts: 8, failedAt: at, dueAt: undefined });

    // A process of the new version, on its own store.
    const after = new MemoryChannel({ name: 'after' });
    const upgraded = assembleDeps(createMongoStore(desk().connection), {
      clock: desk().clock,
      waiter: desk().deps.waiter,
      timers: desk().timers,
      contracts: desk().deps.contracts,
      channels: [after],
      triageLocale: 'en',
      logger: { warn: () => undefined },
    });
    await relayPending(upgraded);
    await relayPending(upgraded);
    expect(after.sent.map((m) => m.id)).toEqual([waiting.id]);
    expect(await outbox.countDocuments({ _id: { $in: [waiting.id, confirmed.id] } as never })).toBe(0);
    // The one it had given up on stays as it was, for an operator.
    expect(await outbox.countDocuments({ _id: failed.id as never })).toBe(1);
  });
});

/** A platform that holds back the update of one card version until the test lets it through. */
class GatedChannel extends MemoryChannel {
  heldVersion = -1;
  release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  arrived!: () => void;
  readonly held = new Promise<void>((resolve) => (this.arrived = resolve));
  override async update(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    if (message.ticketVersion === this.heldVersion) {
      this.arrived();
      await this.gate;
    }
    return super.update(ref, message);
  }
}

describe('two workers updating one card', () => {
  it('however their updates land, the card ends on the newest version', async () => {
    const acme = await desk().seedCustomer('Card race AB');
    const platform = new GatedChannel({ name: 'race', reach: 'identities', identityChannel: 'web' });
    const { deps } = desk();
    for (const person of [acme.contact, acme.agent])
      await linkIdentity(deps, person.id, { channel: 'web', externalId: `race-${person.id}` });
    await setTriagePlace(deps, 'race', 'race-room');
    const [one, two] = [deliveringOn(platform).deps, deliveringOn(platform).deps];
    const ticket = await openFor(one, acme, 'Card race');
    // Process one claims, and its card update is slow to reach the platform; meanwhile process
    // two starts work and shows the newer card. Then the older update lands.
    platform.heldVersion = ticket.version + 1;
    const claiming = actions.claim(one, acme.agent.id, ticket.id);
    await platform.held;
    desk().clock.advance(1_000);
    const started = await actions.startWork(two, acme.agent.id, ticket.id);
    platform.release();
    await claiming;
    const card = platform.sent.find((m) => m.ticketId === ticket.id && m.message.kind === 'card')!;
    expect(card.message.ticketVersion).toBe(started.version);
    expect(card.message.params.status).toBe('in_progress');
  });
});

describe('a record channel (the log)', () => {
  it('is told every message as it is delivered, keeps nothing in the outbox, and never holds up the others', async () => {
    const acme = await desk().seedCustomer('Record AB');
    const record = new MemoryChannel({ name: 'record', reach: 'record' });
    const down = new MemoryChannel({ name: 'down' });
    down.failNext(1);
    record.failNext(1, new Error('disk full'));
    const { deps } = deliveringOn(record, down);
    const ticket = await openFor(deps, acme, 'Recorded');
    // The first message's record failed and is not tried again; the second went down.
    expect(record.sent.filter((m) => m.ticketId === ticket.id).map((m) => m.key)).toEqual(['triageNew']);
    const outbox = desk().connection.db!.collection('outbox');
    expect(await outbox.countDocuments({ channel: 'record' })).toBe(0);
    expect(await outbox.countDocuments({ channel: 'down', 'message.ticketId': ticket.id })).toBe(1);
    desk().clock.advance(retryDelayMs(1));
    await relayPending(deps);
    expect(
      down.sent
        .filter((m) => m.ticketId === ticket.id)
        .map((m) => m.key)
        .sort(),
    ).toEqual(['opened', 'triageNew']);
    expect(record.sent.filter((m) => m.ticketId === ticket.id)).toHaveLength(1);
  });
});
