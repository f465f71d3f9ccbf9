import { ErrorCode, type WebAPICallError, type WebClient } from '@slack/web-api';
import {
  ChannelBusyError,
  type Address,
  type ChannelSender,
  type MessageRef,
} from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import type { TicketEvent } from '../../domain/tickets/events.ts';
import { DEFAULT_STATUS_EMOJI, emojiFor, type StatusEmoji } from './slack-emoji.ts';
import { slackContent } from './slack-message.ts';
import { slackPlace, slackRef } from './slack-refs.ts';

/** The changes that move a ticket's status: only they change its emoji (a comment does not). */
const STATUS_CHANGES: ReadonlySet<TicketEvent['type']> = new Set([
  'claimed',
  'assigned',
  'work_started',
  'waiting_on_customer',
  'resumed',
  'resolved',
  'reopened',
  'accepted',
  'closed',
]);

/**
 * Slack's sending side: posts with chat.postMessage (a person by their user id, which opens the
 * bot's DM with them; the triage place by channel id) and updates a card with chat.update. A 429
 * is handed back as ChannelBusyError with Slack's Retry-After, for the outbox to wait that long.
 */
export class SlackSender implements ChannelSender {
  readonly name = 'slack';
  readonly reach = 'identities' as const;
  constructor(
    private readonly client: WebClient,
    private readonly emoji: StatusEmoji = DEFAULT_STATUS_EMOJI,
  ) {}

  async post(address: Address, message: OutgoingMessage, thread?: MessageRef): Promise<MessageRef> {
    const root = thread ? slackPlace(thread.thread) : undefined;
    const channel = root?.channel ?? channelOf(address);
    const answer = await this.call(() =>
      this.client.chat.postMessage({
        channel,
        ...slackContent(message),
        ...(root ? { thread_ts: root.ts } : {}),
        unfurl_links: false,
      }),
    );
    if (!answer.ts) throw new Error('Slack accepted the message but named no ts for it');
    const inOrigin = thread && message.origin && thread.thread === message.origin.root.thread;
    if (inOrigin && STATUS_CHANGES.has(message.event.type)) {
      await this.reflect(message.origin!.root.id, message.params.status);
    }
    return slackRef(answer.channel ?? channel, answer.ts, root?.ts);
  }

  async update(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    const { channel, ts } = slackPlace(ref.id);
    await this.call(() => this.client.chat.update({ channel, ts, ...slackContent(message) }));
  }

  /**
   * The customer's message shows the ticket's state as an emoji: the one for it added, the others
   * taken away. Decoration only: the message it came with is what counts, so a failed emoji
   * (already there, no permission) neither fails nor repeats the delivery.
   */
  private async reflect(origin: string, status: string): Promise<void> {
    const { channel, ts } = slackPlace(origin);
    const showing = emojiFor(status, this.emoji);
    // A new ticket shows nothing yet, and nothing was put on it to take away.
    if (status === 'new') return;
    const calls = Object.values(this.emoji).map((name) =>
      name === showing
        ? this.client.reactions.add({ channel, timestamp: ts, name })
        : this.client.reactions.remove({ channel, timestamp: ts, name }),
    );
    await Promise.allSettled(calls);
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const failure = error as Partial<WebAPICallError>;
      if (failure.code === ErrorCode.RateLimitedError && 'retryAfter' in failure) {
        throw new ChannelBusyError('Slack asked to slow down (429)', (failure.retryAfter as number) * 1000);
      }
      throw error;
    }
  }
}

function channelOf(address: Address): string {
  if (address.kind === 'triage') return address.target;
  if (address.kind === 'person' && address.identity.channel === 'slack') return address.identity.externalId;
  throw new Error(`Slack cannot reach a ${address.kind} address`);
}
