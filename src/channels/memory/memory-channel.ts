import type { Identity } from '../../domain/desk/people.ts';
import type { Address, ChannelSender, MessageRef } from '../../app/messaging/channel.ts';
import type { OutgoingMessage } from '../../app/messaging/message.ts';
import { plainText } from '../plain-text.ts';

/** One message as the in-memory platform holds it. */
export interface HeldMessage {
  ref: MessageRef;
  address: Address;
  /** The thread it was posted in; absent for a conversation's first message. */
  thread?: MessageRef;
  message: OutgoingMessage;
  /** As the reader saw it last (updated in place for a card). */
  text: string;
  updates: number;
  // The message's own fields, flattened for readable assertions.
  id: string;
  ticketId: string;
  key: string;
  recipient: OutgoingMessage['recipient'];
  event: OutgoingMessage['event'];
}

/**
 * A chat platform in memory: it keeps what it was sent, threads replies under their root, updates
 * messages in place, and fails on request. The channel the shared contract suite runs against
 * first, the tests' stand-in for Slack and Teams, and the benchmark's channel.
 */
export class MemoryChannel implements ChannelSender {
  readonly name: string;
  readonly reach: ChannelSender['reach'];
  readonly identityChannel: Identity['channel'] | undefined;
  /** Every message posted, in order. */
  readonly sent: HeldMessage[] = [];
  /** Every update, in order: the message as it was changed to. */
  readonly updated: { ref: MessageRef; message: OutgoingMessage; text: string }[] = [];
  private failures: { error: Error; only?: (message: OutgoingMessage) => boolean }[] = [];
  private counter = 0;

  constructor(
    options: { name?: string; reach?: ChannelSender['reach']; identityChannel?: Identity['channel'] } = {},
  ) {
    this.name = options.name ?? 'memory';
    this.reach = options.reach ?? 'feed';
    this.identityChannel = options.identityChannel;
  }

  /** The next `count` sends (posts or updates; only those of messages `only` picks) fail with `error`. */
  failNext(
    count: number,
    error: Error = new Error(`${this.name} is down`),
    only?: (message: OutgoingMessage) => boolean,
  ): void {
    this.failures.push(...Array.from({ length: count }, () => ({ error, ...(only ? { only } : {}) })));
  }

  async post(address: Address, message: OutgoingMessage, thread?: MessageRef): Promise<MessageRef> {
    this.failIfAsked(message);
    const id = `${this.name}-${++this.counter}`;
    const ref = { id, thread: thread?.thread ?? id };
    this.sent.push({
      ref,
      address,
      ...(thread ? { thread } : {}),
      message,
      text: plainText(message),
      updates: 0,
      id: message.id,
      ticketId: message.ticketId,
      key: message.key,
      recipient: message.recipient,
      event: message.event,
    });
    return ref;
  }

  async update(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    this.failIfAsked(message);
    const held = this.sent.find((m) => m.ref.id === ref.id);
    if (!held) throw new Error(`${this.name}: no message ${ref.id} to update`);
    held.message = message;
    held.text = plainText(message);
    held.updates++;
    this.updated.push({ ref, message, text: held.text });
  }

  /** The messages of one thread, root first. */
  thread(ref: MessageRef): HeldMessage[] {
    return this.sent.filter((m) => m.ref.thread === ref.thread);
  }

  private failIfAsked(message: OutgoingMessage): void {
    const index = this.failures.findIndex((failure) => !failure.only || failure.only(message));
    if (index < 0) return;
    const [failure] = this.failures.splice(index, 1);
    throw failure!.error;
  }
}
