import type { Identity } from '../../domain/desk/people.ts';
import type { OutgoingMessage } from './message.ts';

/**
 * Where a message goes on one channel, as the core resolved it: a person by the identity they have
 * there, the desk's triage place from the settings, or, for integrations that take everything (the
 * log, the web-hook), the channel's one feed.
 */
export type Address =
  | { kind: 'person'; personId: string; identity: Identity }
  | { kind: 'triage'; target: string }
  | { kind: 'feed' };

/**
 * A message as the platform keeps it: `id` addresses the message itself (to update it), `thread`
 * what replies under it carry (to post in its thread and to find the ticket again from a reply).
 * Both are the channel's own encoding; the core only stores and compares them.
 */
export interface MessageRef {
  id: string;
  thread: string;
}

/**
 * A chat channel's sending side: renders a message its own way and hands it to its platform. It
 * decides nothing about who is told what, and keeps nothing: the core resolves the address, keeps
 * the conversation's references and retries. A send that fails throws; `retryAfterMs` on the error,
 * when the platform said so (429), is honoured as the earliest next try. Every send must give up
 * well within the delivery lease (2 min, `DELIVERY_LEASE_MS`): a send still running after it may
 * be taken over by another worker and the message go twice (the web-hook gives up after 5 s).
 */
export interface ChannelSender {
  /** The channel's name in the outbox and the conversation store: "slack", "teams", "web", "log"… */
  readonly name: string;
  /**
   * `identities`: reaches a person only through an identity on this channel, and the triage place
   * only when the settings name one. `feed`: takes every message (the web-hook); such a channel
   * does not count as reaching a person. `record`: the desk's own record (the log), told every
   * message as it is delivered, outside the outbox: it keeps nothing to retry, so it costs no
   * claims, and a change carried out again after a crash is recorded again.
   */
  readonly reach: 'identities' | 'feed' | 'record';
  /** The identity channel whose identities address people here (defaults to `name`). */
  readonly identityChannel?: Identity['channel'];
  post(address: Address, message: OutgoingMessage, thread?: MessageRef): Promise<MessageRef>;
  update(ref: MessageRef, message: OutgoingMessage): Promise<void>;
}

/** Thrown by a sender whose platform asked it to wait (HTTP 429 with Retry-After). */
export class ChannelBusyError extends Error {
  override name = 'ChannelBusyError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
