import type { Locale } from '../../domain/locale.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { Notice } from '../notification.ts';
import type {
  Clock,
  Conversation,
  ConversationStore,
  DeliveryLog,
  DeskSettingsRepository,
  NewOutboxEntry,
  Outbox,
  OutboxEntry,
  PersonRepository,
} from '../ports.ts';
import { addressOn } from './addresses.ts';
import { ChannelBusyError, type ChannelSender } from './channel.ts';
import { composeMessage, personLookup } from './compose.ts';
import type { OutgoingMessage } from './message.ts';

export interface DeliveryLogger {
  warn(details: object, message: string): void;
}

/** What delivery tells the desk's figures. */
export interface DeliverySignals {
  /** A message whose recipient no chat channel reaches (no identity, no triage place). */
  unreachable(audience: string): void;
  delivered(channel: string): void;
  /** A delivery given up on after its last try. */
  gaveUp(channel: string): void;
}

/** Tries per message and channel before it is given up on and kept as failed. */
export const MAX_DELIVERY_ATTEMPTS = 8;
/**
 * A sender that claimed a delivery and has not confirmed it this long after is taken to be dead,
 * and the message is sent again: every channel's send gives up well before (see ChannelSender).
 */
export const DELIVERY_LEASE_MS = 120_000;
/** The wait before try n + 1: 30 s, 1 min, 2 min, … at most an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);

/** Rounds of "update the card, then look whether a newer version came meanwhile". */
const CARD_ROUNDS = 5;

export const deliveryId = (messageId: string, channel: string): string => `${messageId}>${channel}`;

/**
 * Hands messages to the channels, each (message, channel) once: the outbox keeps one entry per
 * pair, the delivery log lets exactly one sender have each attempt (a lease: a claim left
 * unconfirmed is taken over), and a channel that fails is retried with back-off without re-sending
 * on the channels that succeeded. Threads and the triage card's place are kept in the conversation
 * store, so a channel only renders and posts.
 */
export class MessageDelivery {
  private readonly channels: Map<string, ChannelSender>;

  constructor(
    private readonly deps: {
      people: PersonRepository;
      settings: DeskSettingsRepository;
      channels: readonly ChannelSender[];
      deliveries: DeliveryLog;
      outbox: Outbox;
      conversations: ConversationStore;
      clock: Clock;
      /** The language of the triage channel, where agents of any customer meet. */
      triageLocale: Locale;
      logger: DeliveryLogger;
      signals?: DeliverySignals;
    },
  ) {
    this.channels = new Map(deps.channels.map((channel) => [channel.name, channel]));
  }

  /**
   * A change's notices as outbox entries: composed once, addressed on every channel that reaches
   * the recipient. A recipient no chat channel reaches is reported, not silently dropped.
   */
  async prepare(ticket: Ticket, notices: readonly Notice[]): Promise<NewOutboxEntry[]> {
    if (notices.length === 0) return [];
    const people = personLookup((id) => this.deps.people.get(id));
    const settings = await this.deps.settings.get();
    const chat = this.deps.channels.filter((channel) => channel.reach === 'identities');
    const entries: NewOutboxEntry[] = [];
    for (const notice of notices) {
      const message = await composeMessage(notice, ticket, people, this.deps.triageLocale);
      const to = notice.recipient;
      const person = to.kind === 'person' ? await people(to.personId) : undefined;
      let reached = false;
      for (const channel of this.deps.channels) {
        const address = addressOn(channel, to, person, settings);
        if (!address) continue;
        reached ||= channel.reach === 'identities';
        entries.push({ id: deliveryId(message.id, channel.name), channel: channel.name, address, message });
      }
      if (!reached && chat.length > 0) {
        this.deps.signals?.unreachable(message.audience);
        this.deps.logger.warn(
          { ticketId: message.ticketId, key: message.key, recipient: to, channels: chat.map((c) => c.name) },
          'nobody to tell: no chat channel reaches this recipient',
        );
      }
    }
    return entries;
  }

  /** True once a delivery (or, from an older version, a whole notice) was confirmed sent under `id`. */
  confirmed(id: string): Promise<boolean> {
    return this.deps.deliveries.sent(id);
  }

  /** Puts the entries in the outbox (once each), but for the record channels, which keep nothing. */
  async enqueue(entries: readonly NewOutboxEntry[]): Promise<void> {
    await this.deps.outbox.add(
      entries.filter((entry) => !this.isRecord(entry)),
      this.deps.clock.now(),
    );
  }

  /** Right after a change was carried out (and enqueued): its entries, first try. */
  async deliver(entries: readonly NewOutboxEntry[]): Promise<void> {
    const at = this.deps.clock.now();
    const durable: OutboxEntry[] = [];
    for (const entry of entries) {
      if (this.isRecord(entry)) await this.record(entry);
      else durable.push({ ...entry, attempts: 0, addedAt: at });
    }
    await this.deliverAll(durable);
  }

  private isRecord(entry: NewOutboxEntry): boolean {
    return this.channels.get(entry.channel)?.reach === 'record';
  }

  private async record({ channel, address, message }: NewOutboxEntry): Promise<void> {
    try {
      await this.channels.get(channel)!.post(address, message);
      this.deps.signals?.delivered(channel);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, channel, ticketId: message.ticketId },
        'recording a message failed',
      );
    }
  }

  /**
   * What the outbox holds that is due: one page of the periodic pass. Returns how many entries
   * were due and how many of those it is done with (some may be held by another sender's lease).
   */
  async deliverDue(limit = 100): Promise<{ due: number; done: number }> {
    const due = await this.deps.outbox.due(this.deps.clock.now(), limit);
    return { due: due.length, done: await this.deliverAll(due) };
  }

  private async deliverAll(entries: readonly OutboxEntry[]): Promise<number> {
    const done: string[] = [];
    for (const entry of entries) if (await this.attempt(entry)) done.push(entry.id);
    await this.deps.outbox.delivered(done);
    return done.length;
  }

  /** One try at one delivery; true when it is done with (sent now or before), so it may leave the outbox. */
  private async attempt(entry: OutboxEntry): Promise<boolean> {
    const { deliveries, clock } = this.deps;
    // Attempt numbers go on from the outbox's count. A claim that succeeds at once means nobody
    // tried this attempt before; one that is taken may be a message sent already, or a sender that
    // went quiet for longer than the lease, whose attempt the next number takes over.
    let attempt = entry.attempts;
    for (;;) {
      const claim = await deliveries.claim(entry.id, attempt, clock.now());
      if (claim.ok) break;
      if (await deliveries.sent(entry.id)) return true;
      if (clock.now().getTime() - claim.since.getTime() < DELIVERY_LEASE_MS) return false;
      attempt++;
    }
    try {
      await this.send(entry);
    } catch (error) {
      await this.failed(entry, attempt + 1, error);
      return false;
    }
    await deliveries.confirm(entry.id, clock.now());
    this.deps.signals?.delivered(entry.channel);
    return true;
  }

  /** Posts in the audience's conversation (starting it), or brings the triage card up to date. */
  private async send({ channel: name, address, message }: OutboxEntry): Promise<void> {
    const channel = this.channels.get(name);
    if (!channel) throw new Error(`channel ${name} is not configured in this process`);
    if (channel.reach !== 'identities') {
      await channel.post(address, message);
      return;
    }
    const { conversations } = this.deps;
    const conversation =
      (await conversations.get(message.ticketId, name, message.audience)) ??
      (await this.startAtOrigin(name, message));
    if (message.kind === 'card' && conversation) {
      await this.updateCard(channel, conversation, message);
      return;
    }
    const root = await channel.post(address, message, conversation?.root);
    // The triage conversation's root is the card, which later changes update: a triage message
    // that comes before any card (a ticket older than cards) stands on its own.
    if (conversation || (message.audience === 'triage' && message.kind !== 'card')) return;
    await conversations.start({
      ticketId: message.ticketId,
      channel: name,
      audience: message.audience,
      root,
      ...(message.kind === 'card' ? { shownVersion: message.ticketVersion, card: message } : {}),
    });
  }

  /**
   * The requester's conversation on the channel they wrote the ticket in is the thread of their
   * message: started there before the first post, so the post goes under it (first start wins).
   */
  private async startAtOrigin(channel: string, message: OutgoingMessage): Promise<Conversation | undefined> {
    if (message.audience !== 'requester' || message.origin?.channel !== channel) return undefined;
    return this.deps.conversations.start({
      ticketId: message.ticketId,
      channel,
      audience: 'requester',
      root: message.origin.root,
    });
  }

  /**
   * Brings the triage card up to date. The conversation keeps the newest card message; each
   * sender, after updating the platform, looks again and pushes that newest one if it is not what
   * it just showed, so however two updates of one card land, the last to land shows the newest. A
   * late update of an older version changes nothing.
   */
  private async updateCard(channel: ChannelSender, conversation: Conversation, message: OutgoingMessage) {
    const { ticketId, audience } = message;
    let current = await this.deps.conversations.show(ticketId, channel.name, audience, message);
    // A newer version is there already: its sender shows it, and checks again after.
    if ((current?.shownVersion ?? -1) > message.ticketVersion) return;
    let shown: number | undefined;
    for (let round = 0; round < CARD_ROUNDS && current?.card; round++) {
      const newest = current.card;
      if (newest.ticketVersion === shown) return;
      await channel.update(conversation.root, newest);
      shown = newest.ticketVersion;
      current = await this.deps.conversations.get(ticketId, channel.name, audience);
    }
  }

  private async failed(entry: OutboxEntry, tried: number, error: unknown): Promise<void> {
    const now = this.deps.clock.now();
    const waitMs = Math.max(retryDelayMs(tried), error instanceof ChannelBusyError ? error.retryAfterMs : 0);
    const retryAt = tried < MAX_DELIVERY_ATTEMPTS ? new Date(now.getTime() + waitMs) : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    this.deps.logger.warn(
      {
        err: error,
        ticketId: entry.message.ticketId,
        key: entry.message.key,
        channel: entry.channel,
        attempts: tried,
      },
      retryAt ? 'delivery failed; will try again' : 'delivery failed; giving up',
    );
    if (!retryAt) this.deps.signals?.gaveUp(entry.channel);
    await this.deps.outbox.failed(entry, tried, now, retryAt, reason);
  }
}
